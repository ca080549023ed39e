using System.Text.Json;
using Finetune.Pipeline.Data;

namespace Finetune.Pipeline.Tests.Data;

public sealed class JsonLinesReaderTests
{
    [Fact]
    public void Reads_values_of_every_json_kind_in_column_order()
    {
        var path = DataFiles.Write("a.jsonl",
            """{"z": "text", "n": 3, "x": 2.5, "ok": true, "no": false, "none": null, "list": [1, "a"], "obj": {"k": [null]}}""" + "\n");

        var row = Assert.Single(JsonLinesReader.Read(path));

        Assert.Equal(["z", "n", "x", "ok", "no", "none", "list", "obj"], row.ColumnNames);
        Assert.Equal("text", row.Values["z"]!.GetValue<string>());
        Assert.Equal(3, row.Values["n"]!.GetValue<int>());
        Assert.Equal(JsonValueKind.Number, row.Values["x"]!.GetValueKind());
        Assert.Equal(2.5, row.Values["x"]!.GetValue<double>());
        Assert.True(row.Values["ok"]!.GetValue<bool>());
        Assert.False(row.Values["no"]!.GetValue<bool>());
        Assert.True(row.TryGetValue("none", out var none));
        Assert.Null(none);
        Assert.False(row.TryGetValue("missing", out _));
        Assert.Equal("""[1,"a"]""", row.Values["list"]!.ToJsonString());
        Assert.Equal("""{"k":[null]}""", row.Values["obj"]!.ToJsonString());
    }

    [Fact]
    public void Keeps_unicode_and_skips_a_bom_and_empty_lines()
    {
        var path = DataFiles.Write("u.jsonl",
            "{\"t\": \"猫が好き 🐱\"}\r\n\r\n   \n{\"t\": \"café \\u00e9\\ud83d\\ude00\"}\n\n",
            bom: true);

        var rows = JsonLinesReader.Read(path).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Equal("猫が好き 🐱", rows[0].Values["t"]!.GetValue<string>());
        Assert.Equal("café é😀", rows[1].Values["t"]!.GetValue<string>());
        Assert.Equal([1L, 2L], rows.Select(r => r.Row));
        Assert.Equal([1L, 4L], rows.Select(r => r.Line));
        Assert.Equal("line 4", rows[1].Location);
        Assert.Equal($"{path}: line 4", rows[1].ToString());
    }

    [Fact]
    public void A_bad_json_line_names_file_and_line()
    {
        var path = DataFiles.Write("bad.jsonl", "{\"a\": 1}\n\n{\"a\": 2,}\n");

        var e = Assert.Throws<DataException>(() => JsonLinesReader.Read(path).ToList());

        Assert.Equal($"{path}: line 3: invalid JSON at byte 9: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options.", e.Message);
        Assert.Equal(path, e.File);
        Assert.Equal("line 3", e.Location);
    }

    [Theory]
    [InlineData("[1, 2]", "an array")]
    [InlineData("\"text\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("null", "null")]
    public void A_line_that_is_not_an_object_is_an_error(string line, string kind)
    {
        var path = DataFiles.Write("kinds.jsonl", "{\"a\": 1}\n" + line + "\n");

        var e = Assert.Throws<DataException>(() => JsonLinesReader.Read(path).ToList());

        Assert.Equal($"{path}: line 2: expected a JSON object, got {kind}", e.Message);
    }

    [Fact]
    public void A_duplicate_key_is_an_error()
    {
        var path = DataFiles.Write("dup.jsonl", "{\"a\": 1, \"a\": 2}\n");

        var e = Assert.Throws<DataException>(() => JsonLinesReader.Read(path).ToList());

        Assert.StartsWith($"{path}: line 1: invalid JSON", e.Message);
    }

    [Fact]
    public void Invalid_utf8_names_the_line()
    {
        var dir = Finetune.Testing.TestPaths.NewTempDir("data");
        var path = Path.Combine(dir, "bin.jsonl");
        File.WriteAllBytes(path, [.. "{\"a\": 1}\n{\"a\": \""u8, 0xFF, 0xFE, .. "\"}\n"u8]);

        var e = Assert.Throws<DataException>(() => JsonLinesReader.Read(path).ToList());

        Assert.Equal($"{path}: line 2: invalid UTF-8", e.Message);
    }

    [Fact]
    public void Nothing_is_read_until_enumerated()
    {
        var missing = Path.Combine(Finetune.Testing.TestPaths.NewTempDir("data"), "none.jsonl");

        var rows = JsonLinesReader.Read(missing);

        var e = Assert.Throws<DataException>(() => rows.First());
        Assert.StartsWith($"{missing}: cannot open", e.Message);
    }
}
