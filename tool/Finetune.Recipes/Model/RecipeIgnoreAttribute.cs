namespace Finetune.Recipes;

/// <summary>The property is not a YAML key (e.g. <see cref="Recipe.SourcePath"/>): not bound, not hashed, not in the schema.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RecipeIgnoreAttribute : Attribute;
