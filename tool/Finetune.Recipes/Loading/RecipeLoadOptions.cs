namespace Finetune.Recipes;

/// <summary>How strictly a recipe is loaded.</summary>
public sealed record RecipeLoadOptions
{
    /// <summary>The default: paths are checked.</summary>
    public static RecipeLoadOptions Default { get; } = new();

    /// <summary>Check that model.path, data.path and a chat_template file exist (the CLI's <c>--no-path-check</c> turns this off).</summary>
    public bool CheckPaths { get; init; } = true;
}
