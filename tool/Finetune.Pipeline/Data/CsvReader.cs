using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Data;

/// <summary>
/// Streams a CSV file with a header row (RFC 4180 quoting, UTF-8 with or without BOM). Every value is a
/// string, an empty field an empty string: CSV has no types, and guessing them (as pandas does) would turn
/// "007" into 7. Every record must have as many fields as the header.
/// </summary>
public static class CsvReader
{
    public static IEnumerable<DataRow> Read(string path)
    {
        using var stream = TextFiles.OpenRead(path);
        foreach (var row in Read(stream, path))
            yield return row;
    }

    /// <summary>Reads CSV from a stream; <paramref name="file"/> names the source in rows and errors.</summary>
    public static IEnumerable<DataRow> Read(Stream stream, string file)
    {
        string[]? header = null;
        long row = 0;
        foreach (var (fields, line) in new CsvRecordParser(stream, file).Records())
        {
            if (header == null)
            {
                header = Header(fields, file, line);
                continue;
            }
            row++;
            if (fields.Count != header.Length)
                throw new DataException(file, $"record {row} (line {line})", $"has {fields.Count} field(s), the header has {header.Length}");
            var values = new JsonObject();
            for (var i = 0; i < header.Length; i++)
                values[header[i]] = JsonValue.Create(fields[i]);
            yield return new DataRow(file, row, line, DataFormat.Csv, values);
        }
    }

    /// <summary>Column names; an empty one is named <c>Unnamed: i</c> (0-based), as pandas names an index column.</summary>
    private static string[] Header(List<string> fields, string file, long line)
    {
        var names = fields.Select((f, i) => f.Length == 0 ? $"Unnamed: {i}" : f).ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
            if (!seen.Add(name))
                throw new DataException(file, $"line {line}", $"the header names column '{name}' twice");
        return names;
    }
}
