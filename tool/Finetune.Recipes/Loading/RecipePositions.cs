namespace Finetune.Recipes;

/// <summary>
/// Where each recipe value was written (by dotted path: <c>train.batch_size</c>, <c>tokens.add[2]</c>,
/// <c>data.messages[0].content</c>), so checks that run after loading (the preflight against the model and
/// the data) can point at the value at fault with the recipe's file, line and column.
/// </summary>
public sealed class RecipePositions
{
    private readonly IReadOnlyDictionary<string, (int Line, int Column)> _values;

    /// <summary>No positions: every path answers the start of <paramref name="file"/>.</summary>
    public RecipePositions(string file)
        : this(file, new Dictionary<string, (int, int)>(StringComparer.Ordinal))
    {
    }

    public RecipePositions(string file, IReadOnlyDictionary<string, (int Line, int Column)> values)
    {
        File = file;
        _values = values;
    }

    /// <summary>The recipe file as it was named when loaded (diagnostics show it so).</summary>
    public string File { get; }

    internal static RecipePositions From(string file, IReadOnlyDictionary<string, LocatedNode> nodes) =>
        new(file, nodes.ToDictionary(n => n.Key, n => (n.Value.Value.Line, n.Value.Value.Column), StringComparer.Ordinal));

    /// <summary>The value written at <paramref name="path"/>, else the nearest written parent, else line 1, column 1.</summary>
    public (int Line, int Column) Of(string path)
    {
        for (var p = path; p.Length > 0; p = Parent(p))
            if (_values.TryGetValue(p, out var at))
                return at;
        return (1, 1);
    }

    /// <summary>A diagnostic at the value of <paramref name="path"/>.</summary>
    public RecipeDiagnostic Error(string path, string code, string message, string? hint = null)
    {
        var (line, column) = Of(path);
        return new RecipeDiagnostic(File, line, column, code, message, hint);
    }

    private static string Parent(string path)
    {
        var cut = Math.Max(path.LastIndexOf('.'), path.LastIndexOf('['));
        return cut < 0 ? "" : path[..cut];
    }
}
