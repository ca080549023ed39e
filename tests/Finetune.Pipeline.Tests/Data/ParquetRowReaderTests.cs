using System.Text.Json.Serialization;
using Finetune.Pipeline.Data;
using Parquet;
using Parquet.Serialization;

namespace Finetune.Pipeline.Tests.Data;

public sealed class ParquetRowReaderTests
{
    public sealed class Example
    {
        [JsonPropertyName("instruction")]
        public string? Instruction { get; set; }

        [JsonPropertyName("answer")]
        public int? Answer { get; set; }

        [JsonPropertyName("score")]
        public double Score { get; set; }

        [JsonPropertyName("ok")]
        public bool Ok { get; set; }

        [JsonPropertyName("tags")]
        public List<string>? Tags { get; set; }
    }

    public sealed class Message
    {
        [JsonPropertyName("role")]
        public string? Role { get; set; }

        [JsonPropertyName("content")]
        public string? Content { get; set; }
    }

    public sealed class Chat
    {
        [JsonPropertyName("id")]
        public long Id { get; set; }

        [JsonPropertyName("meta")]
        public Message? Meta { get; set; }

        [JsonPropertyName("messages")]
        public List<Message>? Messages { get; set; }

        [JsonPropertyName("counts")]
        public Dictionary<string, int>? Counts { get; set; }
    }

    private static async Task<string> WriteAsync<T>(IEnumerable<T> rows, int rowGroupSize)
    {
        var path = Path.Combine(Finetune.Testing.TestPaths.NewTempDir("parquet"), "train.parquet");
        await ParquetSerializer.SerializeAsync(rows, path, new ParquetOptions { RowGroupSize = rowGroupSize });
        return path;
    }

    [Fact]
    public async Task Reads_back_rows_written_with_parquet_net_across_row_groups()
    {
        var path = await WriteAsync<Example>(
        [
            new() { Instruction = "Lily has 3 apples.", Answer = 3, Score = 0.5, Ok = true, Tags = ["a", "b"] },
            new() { Instruction = "東京 🍎 café", Answer = null, Score = -2, Ok = false, Tags = [] },
            new() { Instruction = null, Answer = 20, Score = 1e-3, Ok = true, Tags = ["ü"] },
        ], rowGroupSize: 2);

        var rows = ParquetRowReader.Read(path).ToList();

        Assert.Equal(3, rows.Count);
        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Row));
        Assert.Equal(["instruction", "answer", "score", "ok", "tags"], rows[0].ColumnNames);
        Assert.Equal("""{"instruction":"Lily has 3 apples.","answer":3,"score":0.5,"ok":true,"tags":["a","b"]}""", rows[0].Values.ToJsonString());
        Assert.Equal("東京 🍎 café", rows[1].Values["instruction"]!.GetValue<string>());
        Assert.Null(rows[1].Values["answer"]);
        Assert.False(rows[1].Values["ok"]!.GetValue<bool>());
        Assert.Equal(-2.0, rows[1].Values["score"]!.GetValue<double>());
        Assert.Null(rows[2].Values["instruction"]);
        Assert.Equal(20, rows[2].Values["answer"]!.GetValue<long>());
        Assert.Equal("row 3", rows[2].Location);
    }

    [Fact]
    public void A_file_that_is_not_parquet_is_a_data_error()
    {
        var path = DataFiles.Write("fake.parquet", "this is not parquet at all");

        var e = Assert.Throws<DataException>(() => ParquetRowReader.Read(path).ToList());

        Assert.StartsWith($"{path}: cannot read Parquet:", e.Message);
    }

    [Fact]
    public async Task Structs_lists_and_maps_become_json_objects_and_arrays()
    {
        var path = await WriteAsync(
        [
            new Chat
            {
                Id = 7,
                Meta = new() { Role = "system", Content = "be brief" },
                Messages = [new() { Role = "user", Content = "hi ü" }, new() { Role = "assistant", Content = "hello" }],
                Counts = new() { ["a"] = 1, ["b"] = 2 },
            },
        ], rowGroupSize: 10);

        var row = Assert.Single(ParquetRowReader.Read(path));

        Assert.Equal(
            """{"id":7,"meta":{"role":"system","content":"be brief"},"messages":[{"role":"user","content":"hi ü"},{"role":"assistant","content":"hello"}],"counts":{"a":1,"b":2}}""",
            row.Values.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task A_snapshot_folder_of_parquet_shards_is_read_shard_by_shard()
    {
        var dir = Finetune.Testing.TestPaths.NewTempDir("snapshot");
        Directory.CreateDirectory(Path.Combine(dir, "data"));
        foreach (var shard in new[] { 1, 0 })
        {
            var file = await WriteAsync(Enumerable.Range(0, 5).Select(i => new Example { Instruction = $"s{shard}r{i}", Answer = i }), rowGroupSize: 2);
            File.Move(file, Path.Combine(dir, "data", $"train-0000{shard}-of-00002.parquet"));
        }

        var rows = DatasetReader.Open(dir).ToList();

        Assert.Equal(["s0r0", "s0r1", "s0r2", "s0r3", "s0r4", "s1r0", "s1r1", "s1r2", "s1r3", "s1r4"],
            rows.Select(r => r.Values["instruction"]!.GetValue<string>()));
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 1L, 2L, 3L, 4L, 5L], rows.Select(r => r.Row));
    }
}
