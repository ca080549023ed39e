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

    private static async Task<string> WriteAsync(IEnumerable<Example> rows, int rowGroupSize)
    {
        var path = Path.Combine(Finetune.Testing.TestPaths.NewTempDir("parquet"), "train.parquet");
        await ParquetSerializer.SerializeAsync(rows, path, new ParquetOptions { RowGroupSize = rowGroupSize });
        return path;
    }

    [Fact]
    public async Task Reads_back_rows_written_with_parquet_net_across_row_groups()
    {
        var path = await WriteAsync(
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
}
