namespace Finetune.Pipeline;

/// <summary>How to run: <c>Only</c> runs one stage and what it needs; <c>Force</c> reruns stages even when cached.</summary>
public sealed record RunOptions
{
    public string? Only { get; init; }

    public IReadOnlySet<string> Force { get; init; } = new HashSet<string>();

    public bool Resume { get; init; }

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public CancellationToken Cancellation { get; init; }

    /// <summary>Check each cached entry against its manifest before it is used (off: <c>--no-verify</c>, for huge stores).</summary>
    public bool Verify { get; init; } = true;
}
