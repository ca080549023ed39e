using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Text.Templates;

/// <summary>
/// Converts JSON and plain .NET data (string, bool, numbers, dictionaries, lists) into template values.
/// Anything else is refused: templates never see .NET objects.
/// </summary>
internal static class TemplateValues
{
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => FromJsonObject(o),
        JsonArray a => new PyList(a.Select(FromJson)),
        JsonValue v => FromJsonValue(v),
        _ => throw new ArgumentException($"unsupported JSON node {node.GetType().Name}"),
    };

    /// <summary>A parsed value wraps a JsonElement; one built in code (JsonValue.Create(5)) wraps the .NET value.</summary>
    private static object? FromJsonValue(JsonValue v)
    {
        if (v.TryGetValue<JsonElement>(out var element))
            return FromJsonElement(element);
        if (v.TryGetValue<string>(out var s))
            return s;
        if (v.TryGetValue<bool>(out var b))
            return b;
        if (v.TryGetValue<long>(out var l))
            return l;
        if (v.TryGetValue<double>(out var d))
            return d;
        return FromJsonElement(JsonSerializer.SerializeToElement(v));
    }

    private static PyDict FromJsonObject(JsonObject o)
    {
        var d = new PyDict();
        foreach (var (key, value) in o)
            d[key] = FromJson(value);
        return d;
    }

    public static object? FromJsonElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => Number(e.GetRawText()),
        JsonValueKind.Array => new PyList(e.EnumerateArray().Select(FromJsonElement)),
        JsonValueKind.Object => Object(e),
        _ => throw new ArgumentException($"unsupported JSON value kind {e.ValueKind}"),
    };

    private static PyDict Object(JsonElement e)
    {
        var d = new PyDict();
        foreach (var p in e.EnumerateObject())
            d[p.Name] = FromJsonElement(p.Value);
        return d;
    }

    /// <summary>As Python's json.loads: a number without '.', 'e' or 'E' is an int, else a float.</summary>
    private static object Number(string raw) =>
        raw.IndexOfAny(['.', 'e', 'E']) < 0 && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
            ? (object)l
            : double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static object? FromObject(object? value) => value switch
    {
        null => null,
        string or bool or long or double => value,
        int i => (long)i,
        short s => (long)s,
        byte b => (long)b,
        uint u => (long)u,
        float f => (double)f,
        decimal m => (double)m,
        JsonNode n => FromJson(n),
        JsonElement e => FromJsonElement(e),
        IDictionary<string, object?> d => Dict(d),
        IReadOnlyDictionary<string, object?> d => Dict(d),
        IDictionary d => Dict(d),
        IEnumerable e => new PyList(e.Cast<object?>().Select(FromObject)),
        _ => throw new ArgumentException($"a chat template cannot take a value of type {value.GetType().Name}: use strings, numbers, bools, lists, dictionaries or JSON"),
    };

    private static PyDict Dict(IEnumerable<KeyValuePair<string, object?>> source)
    {
        var d = new PyDict();
        foreach (var (key, value) in source)
            d[key] = FromObject(value);
        return d;
    }

    private static PyDict Dict(IDictionary source)
    {
        var d = new PyDict();
        foreach (DictionaryEntry entry in source)
            d[entry.Key as string ?? Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? ""] = FromObject(entry.Value);
        return d;
    }
}
