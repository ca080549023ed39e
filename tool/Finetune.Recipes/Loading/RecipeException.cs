namespace Finetune.Recipes;

/// <summary>A recipe has errors. <see cref="Exception.Message"/> is the first one as one line, plus "(and N more)".</summary>
public sealed class RecipeException : Exception
{
    /// <summary>Wraps the errors of a failed load; there must be at least one.</summary>
    public RecipeException(IReadOnlyList<RecipeDiagnostic> diagnostics)
        : base(Describe(diagnostics)) => Diagnostics = diagnostics;

    /// <summary>Every error, ordered by line and column.</summary>
    public IReadOnlyList<RecipeDiagnostic> Diagnostics { get; }

    private static string Describe(IReadOnlyList<RecipeDiagnostic> diagnostics)
    {
        if (diagnostics.Count == 0)
            throw new ArgumentException("a RecipeException needs at least one diagnostic", nameof(diagnostics));
        return diagnostics.Count == 1
            ? diagnostics[0].ToString()
            : $"{diagnostics[0]} (and {diagnostics.Count - 1} more)";
    }
}
