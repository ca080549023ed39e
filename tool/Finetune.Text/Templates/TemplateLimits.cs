namespace Finetune.Text.Templates;

/// <summary>
/// Sandbox limits for one render. The defaults are far above what any chat template needs. Every operation
/// that builds a string or a list checks the size it is about to make against these before allocating.
/// Values nested deeper than 512 lists/dicts are refused by printing, <c>tojson</c>, comparison and equality
/// (fixed; Python's own recursion limit is 1000), and a render stops when its cancellation token fires.
/// </summary>
public sealed record TemplateLimits
{
    /// <summary>Total loop iterations (all loops, plus elements produced by <c>range</c>) per render.</summary>
    public long MaxLoopIterations { get; init; } = 1_000_000;

    /// <summary>Deepest nesting of macro calls.</summary>
    public int MaxRecursionDepth { get; init; } = 100;

    /// <summary>Most UTF-16 chars in the output (and in any single string a template builds).</summary>
    public int MaxOutputChars { get; init; } = 16 * 1024 * 1024;

    /// <summary>Most elements in any list a template builds (<c>a + b</c>, <c>list * n</c>).</summary>
    public int MaxListItems { get; init; } = 1_000_000;

    public static TemplateLimits Default { get; } = new();
}
