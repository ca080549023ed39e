using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Recipes;

/// <summary>
/// Canonical JSON, the one writer of stage keys, the lock's inputs and plan reasons: object keys sorted
/// ordinally, no whitespace, non-ASCII kept, numbers in <see cref="FormatNumber"/>'s one spelling. Two values
/// that mean the same thing give the same text, so their hash is the same.
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode? node)
    {
        var sb = new StringBuilder();
        Append(sb, node);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject obj:
                sb.Append('{');
                bool first = true;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append(JsonSerializer.Serialize(key, Options)).Append(':');
                    Append(sb, value);
                }
                sb.Append('}');
                break;
            case JsonArray arr:
                sb.Append('[');
                for (int i = 0; i < arr.Count; i++)
                {
                    if (i > 0) sb.Append(',');
                    Append(sb, arr[i]);
                }
                sb.Append(']');
                break;
            case JsonValue value:
                AppendValue(sb, value);
                break;
        }
    }

    private static void AppendValue(StringBuilder sb, JsonValue value)
    {
        var element = JsonSerializer.SerializeToElement(value);
        switch (element.ValueKind)
        {
            case JsonValueKind.Number:
                sb.Append(FormatNumber(element.GetDouble()));
                break;
            case JsonValueKind.String:
                sb.Append(JsonSerializer.Serialize(element.GetString(), Options));
                break;
            default:
                sb.Append(element.GetRawText());
                break;
        }
    }

    /// <summary>
    /// The one spelling of a number: integers without a fraction (<c>2</c>, not <c>2.0</c>), others in shortest
    /// round-trip form with a bare exponent (<c>1e-5</c>, not <c>1E-05</c>; <c>0.003</c>).
    /// </summary>
    public static string FormatNumber(double d)
    {
        if (!double.IsFinite(d)) throw new ArgumentException($"JSON numbers are finite, got {d}");
        if (d == Math.Floor(d) && Math.Abs(d) < 1e15) return ((long)d).ToString(CultureInfo.InvariantCulture);
        var text = d.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOf('E');
        return e < 0 ? text : $"{text[..e]}e{int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)}";
    }
}
