namespace Finetune.Recipes;

/// <summary>The string value is a .NET regular expression and must compile (FT009).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RecipeRegexAttribute : Attribute;
