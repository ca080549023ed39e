using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Finetune.Tool.Commands;

/// <summary>
/// Stdout for machine-readable and exact output: UTF-8 without BOM whatever the locale, <c>\n</c> line ends,
/// and JSON written compactly with non-ASCII text kept readable.
/// </summary>
public static class StandardOutput
{
    public static readonly JsonWriterOptions JsonOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Indented = false,
    };

    /// <summary>A writer over the process's stdout; flush it (or dispose it) before returning.</summary>
    public static StreamWriter Open(bool autoFlush = false) =>
        new(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16) { NewLine = "\n", AutoFlush = autoFlush };

    /// <summary>One compact JSON object, built by <paramref name="write"/> between its braces.</summary>
    public static string Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static void WriteNumbers(this Utf8JsonWriter writer, string name, IEnumerable<int> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }

    public static void WriteNumbers(this Utf8JsonWriter writer, string name, IEnumerable<float> values)
    {
        writer.WriteStartArray(name);
        foreach (var v in values) writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
