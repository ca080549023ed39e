using Finetune.Pipeline.Store;
using Finetune.Recipes;

namespace Finetune.Pipeline.Planning;

/// <summary>
/// How a stage's inputs differ from the ones recorded in a lock: the one place "why does this stage
/// rerun" is computed (plan and run both use it).
/// </summary>
public static class InputDiff
{
    public static IReadOnlyList<PlanReason> Describe(StageInputs? before, StageInputs now)
    {
        if (before == null) return [PlanReason.NoPreviousRun];
        var reasons = new List<PlanReason>();
        if (before.Version != now.Version)
            reasons.Add(new(PlanReasonKind.Param, PlanReason.VersionKey, Text(before.Version), Text(now.Version)));

        foreach (var change in RecipeJsonDiff.Diff(CanonicalJson.Write(before.Params), CanonicalJson.Write(now.Params)))
            reasons.Add(new(PlanReasonKind.Param, change.Key, change.Before, change.After));

        foreach (var label in before.Files.Keys.Union(now.Files.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            before.Files.TryGetValue(label, out var a);
            now.Files.TryGetValue(label, out var b);
            if (a != b) reasons.Add(new(PlanReasonKind.File, label, a, b));
        }

        foreach (var up in before.Upstream.Keys.Union(now.Upstream.Keys).OrderBy(k => k, StringComparer.Ordinal))
        {
            before.Upstream.TryGetValue(up, out var a);
            now.Upstream.TryGetValue(up, out var b);
            if (a != b) reasons.Add(new(PlanReasonKind.Upstream, up, a, b));
        }
        return reasons;
    }

    private static string Text(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
