using System.Collections;
using System.Globalization;
using System.Text.Json.Nodes;
using Parquet;
using Parquet.Serialization;

namespace Finetune.Pipeline.Data;

/// <summary>
/// Streams a Parquet file one row group at a time (Hugging Face writes row groups of a few thousand rows,
/// so memory is bounded by one group). Values become JSON: strings, numbers, booleans, null; structs and
/// maps become objects, lists arrays; dates and times ISO 8601 strings; binary base64 strings.
/// </summary>
public static class ParquetRowReader
{
    public static IEnumerable<DataRow> Read(string path)
    {
        using var stream = TextFiles.OpenRead(path);
        var groups = Run(path, async () =>
        {
            await using var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true);
            return reader.RowGroupCount;
        });
        long row = 0;
        for (var g = 0; g < groups; g++)
        {
            var group = g;
            var rows = Run(path, async () =>
            {
                stream.Position = 0;
                return (await ParquetSerializer.DeserializeUntypedAsync(stream, rowGroupIndex: group)).Data;
            });
            foreach (var record in rows)
            {
                var values = new JsonObject();
                foreach (var (name, value) in record)
                    values[name] = ToJson(value);
                yield return new DataRow(path, ++row, null, DataFormat.Parquet, values);
            }
        }
    }

    private static T Run<T>(string path, Func<Task<T>> work)
    {
        try
        {
            return work().GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is ParquetException or IOException or InvalidDataException or NotSupportedException)
        {
            throw new DataException(path, null, $"cannot read Parquet: {e.Message}", e);
        }
    }

    /// <summary>One Parquet value as JSON.</summary>
    internal static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        sbyte or byte or short or ushort or int or uint or long => JsonValue.Create(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        ulong u => JsonValue.Create(u),
        float f => JsonValue.Create(f),
        double d => JsonValue.Create(d),
        decimal m => JsonValue.Create(m),
        Half h => JsonValue.Create((double)h),
        DateTime t => JsonValue.Create(t.ToString("O", CultureInfo.InvariantCulture)),
        DateTimeOffset t => JsonValue.Create(t.ToString("O", CultureInfo.InvariantCulture)),
        DateOnly d => JsonValue.Create(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        TimeOnly t => JsonValue.Create(t.ToString("O", CultureInfo.InvariantCulture)),
        TimeSpan t => JsonValue.Create(t.ToString("c", CultureInfo.InvariantCulture)),
        byte[] bytes => JsonValue.Create(Convert.ToBase64String(bytes)),
        IDictionary map => ToObject(map),
        IEnumerable items => new JsonArray(items.Cast<object?>().Select(ToJson).ToArray()),
        _ => JsonValue.Create(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };

    private static JsonObject ToObject(IDictionary map)
    {
        var result = new JsonObject();
        foreach (DictionaryEntry entry in map)
            result[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = ToJson(entry.Value);
        return result;
    }
}
