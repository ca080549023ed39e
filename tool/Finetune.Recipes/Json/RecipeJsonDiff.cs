using System.Globalization;
using System.Text.Json;

namespace Finetune.Recipes;

/// <summary>
/// What changed between two canonical JSON texts of one section, as <c>plan</c> shows it:
/// <c>learning_rate 1e-5 -> 2e-5</c>. Nested objects are flattened to dotted keys; lists compare whole.
/// </summary>
public static class RecipeJsonDiff
{
    /// <summary>One line per changed, added or removed key, in ordinal key order.</summary>
    public static IReadOnlyList<string> Changes(string before, string after)
    {
        var old = Flatten(before);
        var current = Flatten(after);
        return old.Keys.Union(current.Keys).Order(StringComparer.Ordinal)
            .Select(key => (key, Old: old.GetValueOrDefault(key), New: current.GetValueOrDefault(key)))
            .Where(x => x.Old != x.New)
            .Select(x => $"{x.key} {x.Old ?? "(absent)"} -> {x.New ?? "(absent)"}")
            .ToList();
    }

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

    /// <summary>Strings bare, numbers short (<c>1E-05</c> as <c>1e-5</c>), the rest as JSON.</summary>
    private static string Show(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number => ShowNumber(element.GetRawText()),
        _ => element.GetRawText(),
    };

    private static string ShowNumber(string raw)
    {
        var e = raw.IndexOfAny(['e', 'E']);
        if (e < 0)
            return raw;
        var exponent = int.Parse(raw[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return $"{raw[..e]}e{exponent.ToString(CultureInfo.InvariantCulture)}";
    }
}
