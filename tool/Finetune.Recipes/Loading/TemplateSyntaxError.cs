namespace Finetune.Recipes;

/// <summary>A syntax error in a template string: the reason and its 1-based line and column within the template.</summary>
public sealed record TemplateSyntaxError(string Reason, int Line, int Column);
