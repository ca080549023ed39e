namespace Finetune.Text.Templates;

/// <summary>Sandbox limits for one render. The defaults are far above what any chat template needs.</summary>
public sealed record TemplateLimits
{
    /// <summary>Total loop iterations (all loops, plus elements produced by <c>range</c>) per render.</summary>
    public long MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>Deepest nesting of macro calls.</summary>
    public int MaxRecursionDepth { get; init; } = 100;

    /// <summary>Most UTF-16 chars in the output (and in any single string a template builds).</summary>
    public int MaxOutputChars { get; init; } = 16 * 1024 * 1024;

    public static TemplateLimits Default { get; } = new();
}
