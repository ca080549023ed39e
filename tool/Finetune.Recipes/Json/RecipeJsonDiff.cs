using System.Text.Json;

namespace Finetune.Recipes;

/// <summary>
/// What changed between two canonical JSON texts of one section, as <c>plan</c> shows it:
/// <c>learning_rate 1e-5 -> 2e-5</c>. Nested objects are flattened to dotted keys; lists compare whole.
/// </summary>
public static class RecipeJsonDiff
{
    /// <summary>One change per changed, added or removed key, in ordinal key order.</summary>
    public static IReadOnlyList<JsonChange> Diff(string before, string after)
    {
        var old = Flatten(before);
        var current = Flatten(after);
        return old.Keys.Union(current.Keys).Order(StringComparer.Ordinal)
            .Select(key => new JsonChange(key, old.GetValueOrDefault(key), current.GetValueOrDefault(key)))
            .Where(x => x.Before != x.After)
            .ToList();
    }

    /// <summary>One line per changed, added or removed key, in ordinal key order.</summary>
    public static IReadOnlyList<string> Changes(string before, string after) =>
        Diff(before, after).Select(x => $"{x.Key} {x.Before ?? "(absent)"} -> {x.After ?? "(absent)"}").ToList();

    private static Dictionary<string, string> Flatten(string json)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        Flatten(document.RootElement, "", result);
        return result;
    }

    private static void Flatten(JsonElement element, string path, Dictionary<string, string> result)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            result[path] = Show(element);
            return;
        }
        foreach (var property in element.EnumerateObject())
            Flatten(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", result);
    }

    /// <summary>Strings bare, numbers in the one canonical spelling, the rest as canonical JSON.</summary>
    private static string Show(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number => CanonicalJson.FormatNumber(element.GetDouble()),
        _ => CanonicalJson.Write(System.Text.Json.Nodes.JsonNode.Parse(element.GetRawText())),
    };
}
