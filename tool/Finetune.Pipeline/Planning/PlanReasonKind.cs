namespace Finetune.Pipeline.Planning;

/// <summary>What kind of input made a stage rerun (spelled in lower case in <c>plan --json</c>).</summary>
public enum PlanReasonKind
{
    /// <summary>A value of the stage's input record (or the stage's version) changed.</summary>
    Param,

    /// <summary>An external file was added, removed or changed.</summary>
    File,

    /// <summary>An upstream stage's key changed.</summary>
    Upstream,

    /// <summary>Nothing to compare with (no lock entry), or the entry is missing from the store.</summary>
    Missing,

    /// <summary>The store entry does not match its manifest.</summary>
    Corrupt,
}
