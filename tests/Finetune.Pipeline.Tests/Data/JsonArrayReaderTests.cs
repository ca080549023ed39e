using Finetune.Pipeline.Data;

namespace Finetune.Pipeline.Tests.Data;

public sealed class JsonArrayReaderTests
{
    [Fact]
    public void Reads_an_array_of_objects_with_element_numbers()
    {
        var path = DataFiles.Write("a.json", """
            [
              {"q": "2+2?", "a": 4, "ok": true, "note": null},
              {"q": "Ça va? 你好 🎉", "a": -1.5e3, "ok": false, "note": {"x": [1]}}
            ]
            """, bom: true);

        var rows = JsonArrayReader.Read(path).ToList();

        Assert.Equal(2, rows.Count);
        Assert.Equal(["q", "a", "ok", "note"], rows[0].ColumnNames);
        Assert.Equal("Ça va? 你好 🎉", rows[1].Values["q"]!.GetValue<string>());
        Assert.Equal(-1500.0, rows[1].Values["a"]!.GetValue<double>());
        Assert.Null(rows[0].Values["note"]);
        Assert.Equal("""{"x":[1]}""", rows[1].Values["note"]!.ToJsonString());
        Assert.Equal([1L, 2L], rows.Select(r => r.Row));
        Assert.All(rows, r => Assert.Null(r.Line));
        Assert.Equal("element 2", rows[1].Location);
    }

    [Fact]
    public void A_json_file_of_json_lines_is_read_as_json_lines()
    {
        var path = DataFiles.Write("lines.json", "{\"a\": 1}\n{\"a\": 2}\n");

        var rows = JsonArrayReader.Read(path).ToList();

        Assert.Equal([1, 2], rows.Select(r => r.Values["a"]!.GetValue<int>()));
        Assert.All(rows, r => Assert.Equal(DataFormat.JsonLines, r.Format));
    }

    [Fact]
    public void An_element_that_is_not_an_object_names_its_element()
    {
        var path = DataFiles.Write("e.json", """[{"a": 1}, {"a": 2}, [3]]""");

        var e = Assert.Throws<DataException>(() => JsonArrayReader.Read(path).ToList());

        Assert.Equal($"{path}: element 3: expected a JSON object, got an array", e.Message);
    }

    [Fact]
    public void Broken_json_names_the_element_and_line()
    {
        var path = DataFiles.Write("b.json", "[\n{\"a\": 1},\n{\"a\": 2\n,}\n]\n");

        var e = Assert.Throws<DataException>(() => JsonArrayReader.Read(path).ToList());

        Assert.Equal($"{path}: element 2 (line 4): invalid JSON at byte 2: The JSON object contains a trailing comma at the end which is not supported in this mode. Change the reader options.", e.Message);
    }

    [Fact]
    public void A_top_level_value_that_is_not_an_array_is_an_error()
    {
        var path = DataFiles.Write("s.json", "\"just a string\"");

        var e = Assert.Throws<DataException>(() => JsonArrayReader.Read(path).ToList());

        Assert.Equal($"{path}: expected a JSON array of objects (or JSON lines), found '\"'", e.Message);
    }

    [Fact]
    public void A_single_pretty_printed_object_says_what_a_json_file_must_hold()
    {
        var path = DataFiles.Write("obj.json", "{\n  \"data\": [{\"a\": 1}]\n}\n");

        var e = Assert.Throws<DataException>(() => JsonArrayReader.Read(path).ToList());

        Assert.StartsWith($"{path}: line 1: invalid JSON at byte 2: ", e.Message);
        Assert.EndsWith(" (a .json file must hold an array of objects, or one object per line)", e.Message);
    }
}
