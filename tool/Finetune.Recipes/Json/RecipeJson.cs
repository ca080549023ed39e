using System.Collections;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Finetune.Recipes;

/// <summary>
/// Canonical JSON of a recipe or one of its sections, after defaults: snake_case keys sorted ordinally,
/// no whitespace, enums by their YAML names, numbers as <see cref="CanonicalJson.FormatNumber"/> spells them
/// (so <c>1e-5</c> and <c>0.00001</c> give the same text). Stage keys hash this text, so comments, key order and number
/// spelling in the YAML never change it.
/// </summary>
public static class RecipeJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The canonical JSON text of <paramref name="section"/> (a <see cref="Recipe"/> or any section record).</summary>
    public static string Canonical(object section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return CanonicalValue(section);
    }

    /// <summary>The canonical JSON of any recipe value, null included (schema defaults use it).</summary>
    internal static string CanonicalValue(object? value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
            Write(writer, value);
        // The structure is written here; the text (key order, number spelling) by the one canonical writer.
        return CanonicalJson.Write(System.Text.Json.Nodes.JsonNode.Parse(stream.ToArray()));
    }

    private static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case int number:
                writer.WriteNumberValue(number);
                break;
            case double number:
                if (!double.IsFinite(number))
                    throw new ArgumentException($"recipe numbers are finite, got {number}");
                writer.WriteNumberValue(number);
                break;
            case Enum choice:
                writer.WriteStringValue(RecipeMember.EnumName(choice.GetType(), choice));
                break;
            case IReadOnlyDictionary<string, string> map:
                writer.WriteStartObject();
                foreach (var (key, item) in map.OrderBy(e => e.Key, StringComparer.Ordinal))
                    writer.WriteString(key, item);
                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (var item in items)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                WriteRecord(writer, value);
                break;
        }
    }

    private static void WriteRecord(Utf8JsonWriter writer, object value)
    {
        var type = value.GetType();
        if (RecipeType.Of(type, null).Kind == RecipeTypeKind.Scalar)
        {
            writer.WriteStringValue(value.ToString());
            return;
        }
        writer.WriteStartObject();
        foreach (var member in RecipeMember.Of(type).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            writer.WritePropertyName(member.Key);
            Write(writer, member.Property.GetValue(value));
        }
        writer.WriteEndObject();
    }
}
