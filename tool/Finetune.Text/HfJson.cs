using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Text;

/// <summary>
/// Writes JSON the way Hugging Face's files are written, byte for byte: two-space indent, <c>"key": value</c>,
/// <c>[]</c>/<c>{}</c> when empty, non-ASCII text as UTF-8 (not escaped), and only <c>"</c>, <c>\</c> and control
/// characters escaped (<c>\n</c> style where one exists, else lower-case <c>\u00xx</c>). This is both serde_json's
/// pretty printer (tokenizer.json) and Python's <c>json.dumps(indent=2, ensure_ascii=False)</c> (the configs);
/// <paramref name="sortKeys"/> gives Python's <c>sort_keys=True</c>. The one writer of Hugging Face JSON files here
/// (the tiny tokenizer's files and the tokenize stage's tokenizer_config.json).
/// </summary>
internal static class HfJson
{
    public static string Format(JsonNode node, bool sortKeys)
    {
        var text = new StringBuilder();
        Write(text, node, sortKeys, 0);
        return text.ToString();
    }

    private static void Write(StringBuilder text, JsonNode? node, bool sortKeys, int depth)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                var properties = sortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal).ToList() : obj.ToList();
                WriteContainer(text, '{', '}', properties, depth, (p, d) =>
                {
                    WriteString(text, p.Key);
                    text.Append(": ");
                    Write(text, p.Value, sortKeys, d);
                });
                break;
            case JsonArray array:
                WriteContainer(text, '[', ']', array.ToList(), depth, (item, d) => Write(text, item, sortKeys, d));
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                WriteString(text, value.GetValue<string>());
                break;
            case JsonValue value:
                text.Append(value.ToJsonString());
                break;
        }
    }

    private static void WriteContainer<T>(StringBuilder text, char open, char close, List<T> items, int depth, Action<T, int> writeItem)
    {
        text.Append(open);
        if (items.Count > 0)
        {
            for (var i = 0; i < items.Count; i++)
            {
                text.Append(i == 0 ? "\n" : ",\n").Append(' ', 2 * (depth + 1));
                writeItem(items[i], depth + 1);
            }
            text.Append('\n').Append(' ', 2 * depth);
        }
        text.Append(close);
    }

    /// <summary>One JSON string literal, escaped as above.</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 2);
        WriteString(text, value);
        return text.ToString();
    }

    private static void WriteString(StringBuilder text, string value)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }
}
