using Finetune.Torch.Training.Data;
using System.Text;
using System.Text.Json;
using Finetune.Pipeline.Data;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Data;

/// <summary>
/// Thousands of awkward values written by an independent writer (System.Text.Json, a plain RFC 4180 quoter)
/// and read back: records and lines cross the readers' 64 KiB buffer edges many times.
/// </summary>
public sealed class RoundTripTests
{
    private static readonly string[] Pieces =
        ["a", "Lily", " ", ",", "\"", "\"\"", "\n", "\r\n", "\r", "é", "中文", "🐱", "👩‍👩‍👧", "\t", "{", "]", "\\", "'", "x,y", "\u00a0"];

    private static List<(string Id, string Text)> Values(int count, int seed)
    {
        var random = new SplitMix64(seed);
        var values = new List<(string, string)>(count);
        for (var i = 0; i < count; i++)
        {
            var text = new StringBuilder();
            var length = random.NextBelow(i % 50 == 0 ? 3000 : 40);
            for (var k = 0; k < length; k++)
                text.Append(Pieces[random.NextBelow(Pieces.Length)]);
            values.Add(($"id{i}", text.ToString()));
        }
        return values;
    }

    [Fact]
    public void Csv_values_survive_a_round_trip()
    {
        var values = Values(3000, 1);
        var csv = new StringBuilder("id,text\r\n");
        foreach (var (id, text) in values)
            csv.Append(id).Append(',').Append('"').Append(text.Replace("\"", "\"\"")).Append("\"\r\n");
        var path = DataFiles.Write(TestPaths.NewTempDir("rt"), "rt.csv", csv.ToString(), bom: true);

        var rows = CsvReader.Read(path).ToList();

        Assert.Equal(values.Count, rows.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(values[i].Id, rows[i].Values["id"]!.GetValue<string>());
            Assert.Equal(values[i].Text, rows[i].Values["text"]!.GetValue<string>());
        }
        var expectedLine = 2L;
        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(expectedLine, rows[i].Line);
            expectedLine += 1 + CountLineBreaks(values[i].Text);
        }
    }

    [Fact]
    public void Json_lines_values_survive_a_round_trip()
    {
        var values = Values(3000, 2);
        var jsonl = new StringBuilder();
        foreach (var (id, text) in values)
            jsonl.Append(JsonSerializer.Serialize(new Dictionary<string, string> { ["id"] = id, ["text"] = text })).Append("\r\n");
        var path = DataFiles.Write(TestPaths.NewTempDir("rt"), "rt.jsonl", jsonl.ToString());

        var rows = JsonLinesReader.Read(path).ToList();

        Assert.Equal(values.Count, rows.Count);
        for (var i = 0; i < values.Count; i++)
        {
            Assert.Equal(values[i].Text, rows[i].Values["text"]!.GetValue<string>());
            Assert.Equal(i + 1, rows[i].Line);
        }
    }

    [Fact]
    public void A_json_line_longer_than_the_read_buffer_is_read_whole()
    {
        var text = new string('x', 300_000) + "🐱";
        var path = DataFiles.Write("long.jsonl", $"{{\"a\": 1}}\n{{\"t\": \"{text}\"}}\n{{\"a\": 3}}");

        var rows = JsonLinesReader.Read(path).ToList();

        Assert.Equal(3, rows.Count);
        Assert.Equal(text, rows[1].Values["t"]!.GetValue<string>());
        Assert.Equal(3, rows[2].Line);
    }

    /// <summary>Line breaks as the CSV reader counts them: CRLF, LF or a lone CR.</summary>
    private static int CountLineBreaks(string text) =>
        text.Replace("\r\n", "\n").Count(c => c is '\n' or '\r');
}
