namespace Finetune.Recipes;

/// <summary>One recipe error at a 1-based line and column; <see cref="Code"/> is one of recipes/ERRORS.md.</summary>
public sealed record RecipeDiagnostic(string File, int Line, int Column, string Code, string Message, string? Hint)
{
    /// <summary><c>file:line:col: error FT0xx: message (hint)</c>; the hint part is omitted when null.</summary>
    public override string ToString() =>
        $"{File}:{Line}:{Column}: error {Code}: {Message}{(Hint is null ? "" : $" ({Hint})")}";
}
