using System.Text.Json.Nodes;
using Finetune.Pipeline.Store;

namespace Finetune.Pipeline.Planning;

/// <summary>
/// Says, in words, how a stage's inputs differ from the ones recorded in the lock: the one place
/// "why does this stage rerun" is computed (plan and run both use it).
/// </summary>
public static class InputDiff
{
    public static IReadOnlyList<string> Describe(StageInputs? before, StageInputs now)
    {
        if (before == null) return ["no previous run recorded"];
        var reasons = new List<string>();
        if (before.Version != now.Version) reasons.Add($"stage version {before.Version} -> {now.Version}");

        var old = Flatten(before.Params);
        var cur = Flatten(now.Params);
        foreach (var key in old.Keys.Union(cur.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            old.TryGetValue(key, out var a);
            cur.TryGetValue(key, out var b);
            if (a == b) continue;
            reasons.Add(a == null ? $"{key} added: {b}" : b == null ? $"{key} removed (was {a})" : $"{key} {a} -> {b}");
        }

        foreach (var label in before.Files.Keys.Union(now.Files.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            bool had = before.Files.TryGetValue(label, out var a);
            bool has = now.Files.TryGetValue(label, out var b);
            if (!had) reasons.Add($"file {label} added");
            else if (!has) reasons.Add($"file {label} removed");
            else if (a != b) reasons.Add($"file {label} changed");
        }

        foreach (var up in before.Upstream.Keys.Union(now.Upstream.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            before.Upstream.TryGetValue(up, out var a);
            now.Upstream.TryGetValue(up, out var b);
            if (a != b) reasons.Add($"upstream {up} changed");
        }
        return reasons;
    }

    /// <summary>Dotted paths to canonical leaf texts: <c>{"a":{"b":[1,2]}}</c> → <c>a.b = [1,2]</c>.</summary>
    public static SortedDictionary<string, string> Flatten(JsonObject obj)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(obj, "", result);
        return result;
    }

    private static void Walk(JsonNode? node, string path, SortedDictionary<string, string> into)
    {
        if (node is JsonObject o && o.Count > 0)
        {
            foreach (var (k, v) in o) Walk(v, path.Length == 0 ? k : $"{path}.{k}", into);
            return;
        }
        var text = CanonicalJson.Write(node);
        into[path] = node is JsonValue v2 && v2.GetValueKind() == System.Text.Json.JsonValueKind.String ? (string)v2! : text;
    }
}
