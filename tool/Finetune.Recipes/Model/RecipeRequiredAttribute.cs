namespace Finetune.Recipes;

/// <summary>The key must be present in the YAML (FT005 when it is missing).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RecipeRequiredAttribute : Attribute;
