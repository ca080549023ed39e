namespace Finetune.Recipes;

/// <summary>The outcome of loading a recipe: the recipe when there are no errors, and every error found.</summary>
public sealed record RecipeLoadResult
{
    /// <summary>The recipe; null when <see cref="Diagnostics"/> is not empty.</summary>
    public Recipe? Recipe { get; init; }

    /// <summary>Every error, ordered by line and column.</summary>
    public IReadOnlyList<RecipeDiagnostic> Diagnostics { get; init; } = [];

    /// <summary>True when the recipe loaded without errors.</summary>
    public bool Success => Recipe != null && Diagnostics.Count == 0;
}
