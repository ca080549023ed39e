namespace Finetune.Recipes;

/// <summary>Overrides the snake_case name of a key or enum value (e.g. <c>adamw_8bit</c>).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class RecipeNameAttribute(string name) : Attribute
{
    /// <summary>The name as written in YAML.</summary>
    public string Name { get; } = name;
}
