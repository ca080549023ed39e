using Finetune.Recipes;

namespace Finetune.Pipeline.Publishing;

/// <summary>What a recipe's run must never publish over: its own folder, the store, the model and the data.</summary>
public static class PublishGuard
{
    public static IReadOnlyList<ProtectedPath> For(Recipe recipe, string storeRoot) => [.. ForRecipe(recipe), Store(storeRoot)];

    /// <summary>The store: neither it, nor a folder holding it, nor anything inside it.</summary>
    public static ProtectedPath Store(string storeRoot) => new(storeRoot, "the store", Inside: true);

    /// <summary>The recipe's own places (its folder and above, the model, the data, a chat template file).</summary>
    public static IReadOnlyList<ProtectedPath> ForRecipe(Recipe recipe)
    {
        var list = new List<ProtectedPath>
        {
            new(recipe.BaseDirectory, "the recipe's folder", Inside: false),
            Place(recipe.ResolvePath(recipe.Model.Path), "the model"),
        };
        if (recipe.Data.Path is { } data) list.Add(Place(recipe.ResolvePath(data), "the data"));
        if (recipe.Data.ChatTemplate != "model") list.Add(new(recipe.ResolvePath(recipe.Data.ChatTemplate), "the chat template", Inside: false));
        return list;
    }

    /// <summary>A folder is guarded with everything below it; a single file (a .gguf, a .jsonl) only against being replaced by a folder.</summary>
    private static ProtectedPath Place(string path, string what) =>
        new(path, Directory.Exists(path) ? $"{what} folder" : what, Inside: Directory.Exists(path));
}
