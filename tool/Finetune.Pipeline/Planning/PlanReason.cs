using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Planning;

/// <summary>
/// One reason a stage reruns, as data: <see cref="Kind"/>, the <see cref="Key"/> it concerns (a recipe key,
/// a file label, an upstream stage) and the values <see cref="Before"/> and <see cref="After"/> (null: absent).
/// <see cref="ToString"/> is the line <c>plan</c> prints; <see cref="ToJson"/> is the object <c>plan --json</c> prints.
/// </summary>
public sealed record PlanReason(PlanReasonKind Kind, string Key, string? Before, string? After)
{
    /// <summary>The <see cref="Key"/> of a stage-version change.</summary>
    public const string VersionKey = "(stage version)";

    /// <summary>The <see cref="Key"/> of "nothing recorded to compare with" (<see cref="PlanReasonKind.Missing"/>).</summary>
    public const string LockKey = "(lock)";

    /// <summary>The <see cref="Key"/> of "the entry is not in the store" (<see cref="PlanReasonKind.Missing"/>).</summary>
    public const string StoreKey = "(store)";

    public static PlanReason NoPreviousRun { get; } = new(PlanReasonKind.Missing, LockKey, null, null);

    public static PlanReason MissingFromStore(string key) => new(PlanReasonKind.Missing, StoreKey, null, key);

    /// <summary>A cached entry whose files do not match its manifest: <paramref name="entry"/> is stage/key, <paramref name="damage"/> names the file.</summary>
    public static PlanReason Damaged(string entry, string damage) => new(PlanReasonKind.Corrupt, entry, null, damage);

    public override string ToString() => Kind switch
    {
        PlanReasonKind.Param when Key == VersionKey => $"stage version {Before} -> {After}",
        PlanReasonKind.Param => $"{Key} {Before ?? "(absent)"} -> {After ?? "(absent)"}",
        PlanReasonKind.File => Before is null ? $"file {Key} added" : After is null ? $"file {Key} removed" : $"file {Key} changed",
        PlanReasonKind.Upstream => $"upstream {Key} changed",
        PlanReasonKind.Missing when Key == LockKey => "no previous run recorded",
        PlanReasonKind.Missing => "output missing from the store",
        _ => $"store entry damaged: {After ?? Key}",
    };

    public JsonObject ToJson() => new()
    {
        ["kind"] = Kind.ToString().ToLowerInvariant(),
        ["key"] = Key,
        ["before"] = Before,
        ["after"] = After,
    };
}
