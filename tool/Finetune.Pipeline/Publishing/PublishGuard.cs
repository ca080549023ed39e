using Finetune.Recipes;

namespace Finetune.Pipeline.Publishing;

/// <summary>What a recipe's run must never publish over: its own folder, the store, the model and the data.</summary>
public static class PublishGuard
{
    public static IReadOnlyList<ProtectedPath> For(Recipe recipe, string storeRoot)
    {
        var list = new List<ProtectedPath>
        {
            new(recipe.BaseDirectory, "the recipe's folder", Inside: false),
            new(storeRoot, "the store", Inside: true),
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
