using System.Text.Unicode;

namespace Finetune.Pipeline.Data;

/// <summary>Streams a JSON lines file: one object per line, blank lines skipped, UTF-8 with or without BOM.</summary>
public static class JsonLinesReader
{
    public static IEnumerable<DataRow> Read(string path)
    {
        using var stream = TextFiles.OpenRead(path);
        foreach (var row in Read(stream, path))
            yield return row;
    }

    /// <summary>Reads JSON lines from a stream; <paramref name="file"/> names the source in rows and errors.</summary>
    public static IEnumerable<DataRow> Read(Stream stream, string file)
    {
        var lines = new Utf8LineReader(stream);
        long line = 0, row = 0;
        while (lines.ReadLine() is { } bytes)
        {
            line++;
            if (bytes.Span.Trim(" \t\r"u8).IsEmpty)
                continue;
            if (!Utf8.IsValid(bytes.Span))
                throw new DataException(file, $"line {line}", "invalid UTF-8");
            var values = TextFiles.ParseObject(bytes.Span, file, $"line {line}");
            yield return new DataRow(file, ++row, line, DataFormat.JsonLines, values);
        }
    }
}
