using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// Writes JSON as transformers does for tokenizer_config.json: Python's
/// <c>json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n"</c>. Numbers keep their source text.
/// Without key sorting the same layout is serde_json's pretty printer, which the Rust <c>tokenizers</c> uses
/// for tokenizer.json.
/// </summary>
internal static class PythonJson
{
    public static string Serialize(JsonNode? node, bool sortKeys = true)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0, sortKeys);
        return sb.Append('\n').ToString();
    }

    /// <summary>A JSON string literal escaped like Python's ensure_ascii=False and serde_json: only quote, backslash and controls.</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
            sb.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                '\b' => "\\b",
                '\f' => "\\f",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return sb.Append('"').ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, int depth, bool sortKeys)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj when obj.Count == 0:
                sb.Append("{}");
                break;
            case JsonObject obj:
                sb.Append("{\n");
                var first = true;
                foreach (var (key, value) in sortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal) : obj.AsEnumerable())
                {
                    if (!first)
                        sb.Append(",\n");
                    first = false;
                    sb.Append(' ', 2 * (depth + 1)).Append(Quote(key)).Append(": ");
                    Write(sb, value, depth + 1, sortKeys);
                }
                sb.Append('\n').Append(' ', 2 * depth).Append('}');
                break;
            case JsonArray array when array.Count == 0:
                sb.Append("[]");
                break;
            case JsonArray array:
                sb.Append("[\n");
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                        sb.Append(",\n");
                    sb.Append(' ', 2 * (depth + 1));
                    Write(sb, array[i], depth + 1, sortKeys);
                }
                sb.Append('\n').Append(' ', 2 * depth).Append(']');
                break;
            case JsonValue value when value.TryGetValue<string>(out var text):
                sb.Append(Quote(text));
                break;
            case JsonValue value when !value.TryGetValue<JsonElement>(out _):
                sb.Append(value.ToJsonString()); // a number or bool made in code
                break;
            case JsonValue value:
                var element = value.GetValue<JsonElement>();
                sb.Append(element.ValueKind switch
                {
                    JsonValueKind.String => Quote(element.GetString()!),
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Null => "null",
                    _ => element.GetRawText(),
                });
                break;
        }
    }
}
