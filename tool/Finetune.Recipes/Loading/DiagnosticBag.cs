namespace Finetune.Recipes;

/// <summary>Collects the errors of one recipe file.</summary>
internal sealed class DiagnosticBag(string file)
{
    private readonly List<RecipeDiagnostic> _items = [];

    public int Count => _items.Count;

    public void Add(int line, int column, string code, string message, string? hint = null) =>
        _items.Add(new RecipeDiagnostic(file, line, column, code, message, hint));

    public void Add(YamlNode at, string code, string message, string? hint = null) =>
        Add(at.Line, at.Column, code, message, hint);

    /// <summary>
    /// Every error once (a node reached through several aliases is checked each time), ordered by position;
    /// errors at one position keep the order they were found in.
    /// </summary>
    public IReadOnlyList<RecipeDiagnostic> Sorted() =>
        _items.Distinct().OrderBy(d => d.Line).ThenBy(d => d.Column).ToList();
}
