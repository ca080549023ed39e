using Finetune.Pipeline.Store;
using Finetune.Recipes;

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

        reasons.AddRange(RecipeJsonDiff.Changes(CanonicalJson.Write(before.Params), CanonicalJson.Write(now.Params)));

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
}
