using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Data;

/// <summary>
/// Streams a <c>.json</c> file holding an array of objects, one element at a time (the array is never
/// held whole). A file whose first character is <c>{</c> is JSON lines, as Hugging Face's json loader reads it.
/// </summary>
public static class JsonArrayReader
{
    public static IEnumerable<DataRow> Read(string path)
    {
        switch (FirstSignificantByte(path))
        {
            case null:
                yield break;
            case (byte)'{':
                foreach (var row in ReadAsJsonLines(path))
                    yield return row;
                yield break;
            case (byte)'[':
                break;
            case var other:
                throw new DataException(path, null, $"expected a JSON array of objects (or JSON lines), found '{(char)other}'");
        }

        using var stream = TextFiles.OpenRead(path);
        var elements = JsonSerializer.DeserializeAsyncEnumerable(stream, DataJsonContext.Default.JsonNode).ToBlockingEnumerable();
        using var e = elements.GetEnumerator();
        for (long row = 1; ; row++)
        {
            try
            {
                if (!e.MoveNext())
                    yield break;
            }
            catch (JsonException ex)
            {
                throw new DataException(path, ErrorLocation(ex), TextFiles.InvalidJson(ex), ex);
            }
            if (e.Current is not JsonObject values)
                throw new DataException(path, $"element {row}", $"expected a JSON object, got {TextFiles.Describe(e.Current)}");
            yield return new DataRow(path, row, null, DataFormat.Json, values);
        }
    }

    /// <summary>JSON lines in a .json file; a first line that does not parse is most likely one pretty-printed object, so say what is expected.</summary>
    private static IEnumerable<DataRow> ReadAsJsonLines(string path)
    {
        using var rows = JsonLinesReader.Read(path).GetEnumerator();
        for (var first = true; ; first = false)
        {
            try
            {
                if (!rows.MoveNext())
                    yield break;
            }
            catch (DataException e) when (first)
            {
                throw new DataException(path, e.Location, $"{e.Problem} (a .json file must hold an array of objects, or one object per line)", e);
            }
            yield return rows.Current;
        }
    }

    /// <summary>
    /// <c>element N (line L)</c> from the exception's JSON path (<c>$[N-1]...</c>) and line: the serializer
    /// reads ahead of the element last handed out, so a count of yielded elements would be wrong.
    /// </summary>
    private static string? ErrorLocation(JsonException ex)
    {
        var match = Regex.Match(ex.Path ?? "", @"^\$\[(\d+)\]");
        var element = match.Success ? $"element {long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) + 1}" : null;
        var line = ex.LineNumber is { } l ? $"line {l + 1}" : null;
        return (element, line) switch
        {
            (null, null) => null,
            (null, _) => line,
            (_, null) => element,
            _ => $"{element} ({line})",
        };
    }

    /// <summary>The first byte after an optional UTF-8 BOM and JSON whitespace, or null for an empty file.</summary>
    private static byte? FirstSignificantByte(string path)
    {
        using var stream = TextFiles.OpenRead(path);
        Span<byte> bom = stackalloc byte[3];
        var n = stream.ReadAtLeast(bom, 3, throwOnEndOfStream: false);
        if (!(n == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF))
            stream.Position = 0;
        int b;
        while ((b = stream.ReadByte()) is ' ' or '\t' or '\r' or '\n')
        {
        }
        return b < 0 ? null : (byte)b;
    }
}
