using Finetune.Pipeline.Data;

namespace Finetune.Pipeline.Tests.Data;

public sealed class CsvReaderTests
{
    private static List<DataRow> Read(string text, bool bom = false) =>
        CsvReader.Read(DataFiles.Write("t.csv", text, bom)).ToList();

    private static string[] Values(DataRow row) =>
        row.Values.Select(p => p.Value!.GetValue<string>()).ToArray();

    [Fact]
    public void Quoted_fields_hold_commas_quotes_and_line_breaks()
    {
        var rows = Read("a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"line1\nline2\r\nline3\"\r\nplain,,\"\"\r\n");

        Assert.Equal(2, rows.Count);
        Assert.Equal(["a", "b", "c"], rows[0].ColumnNames);
        Assert.Equal(["x, y", "say \"hi\"", "line1\nline2\r\nline3"], Values(rows[0]));
        Assert.Equal(["plain", "", ""], Values(rows[1]));
    }

    [Fact]
    public void Rows_carry_record_number_and_starting_line()
    {
        var rows = Read("q,a\n\"1\n2\",x\n\nthree,\"4\n\n5\"\nsix,7");

        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Row));
        Assert.Equal([2L, 5L, 8L], rows.Select(r => r.Line));
        Assert.Equal("record 2 (line 5)", rows[1].Location);
        Assert.Equal(["six", "7"], Values(rows[2]));
    }

    [Fact]
    public void Reads_unicode_with_and_without_bom()
    {
        const string text = "name,text\nJosé,\"中文, 日本語\"\nemoji,👩‍👩‍👧 ok\n";

        foreach (var bom in new[] { false, true })
        {
            var rows = Read(text, bom);
            Assert.Equal(["name", "text"], rows[0].ColumnNames);
            Assert.Equal(["José", "中文, 日本語"], Values(rows[0]));
            Assert.Equal(["emoji", "👩‍👩‍👧 ok"], Values(rows[1]));
        }
    }

    [Fact]
    public void Every_value_is_a_string()
    {
        var row = Assert.Single(Read("n,b,z,e\n007,true,null,\n"));

        Assert.Equal(["007", "true", "null", ""], Values(row));
    }

    [Fact]
    public void Bare_carriage_returns_end_records_and_a_stray_quote_in_an_unquoted_field_is_kept()
    {
        var rows = Read("a,b\r5\" screen,x\r");

        var row = Assert.Single(rows);
        Assert.Equal(["5\" screen", "x"], Values(row));
        Assert.Equal(2, row.Line);
    }

    [Fact]
    public void An_empty_header_name_is_named_as_pandas_names_an_index_column()
    {
        var row = Assert.Single(Read(",text\n0,hi\n"));

        Assert.Equal(["Unnamed: 0", "text"], row.ColumnNames);
    }

    [Fact]
    public void A_header_only_file_has_no_rows()
    {
        Assert.Empty(Read("a,b\n"));
        Assert.Empty(Read(""));
    }

    [Fact]
    public void A_record_with_the_wrong_field_count_names_record_and_line()
    {
        var path = DataFiles.Write("w.csv", "a,b\n1,2\n\"x\ny\",2,3\n");

        var e = Assert.Throws<DataException>(() => CsvReader.Read(path).ToList());

        Assert.Equal($"{path}: record 2 (line 3): has 3 field(s), the header has 2", e.Message);
    }

    [Fact]
    public void An_unterminated_quote_names_the_record_line_and_the_quote_line()
    {
        var path = DataFiles.Write("u.csv", "a,b\n1,2\n3,\"four\n5,6\n");

        var e = Assert.Throws<DataException>(() => CsvReader.Read(path).ToList());

        Assert.Equal($"{path}: line 3: unterminated quoted field (the quote opens on line 3)", e.Message);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_an_error()
    {
        var path = DataFiles.Write("q.csv", "a,b\n1,2\n\"ab\"c,d\n");

        var e = Assert.Throws<DataException>(() => CsvReader.Read(path).ToList());

        Assert.Equal($"{path}: line 3: unexpected 'c' after a closing quote (a quote inside a quoted field is written \"\")", e.Message);
    }

    [Fact]
    public void A_duplicate_column_name_is_an_error()
    {
        var path = DataFiles.Write("d.csv", "a,b,a\n1,2,3\n");

        var e = Assert.Throws<DataException>(() => CsvReader.Read(path).ToList());

        Assert.Equal($"{path}: line 1: the header names column 'a' twice", e.Message);
    }

    [Fact]
    public void Invalid_utf8_names_its_line()
    {
        var path = Path.Combine(Finetune.Testing.TestPaths.NewTempDir("data"), "bin.csv");
        File.WriteAllBytes(path, [.. "a,b\n1,2\n3,\"x\n"u8, 0xC3, 0x28, .. "\"\n"u8]);

        var e = Assert.Throws<DataException>(() => CsvReader.Read(path).ToList());

        Assert.Equal($"{path}: line 4: invalid UTF-8", e.Message);
    }
}
