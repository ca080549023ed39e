namespace Finetune.Recipes.Tests;

/// <summary>Loads YAML snippets as "r.yaml" without path checks and returns the error lines.</summary>
internal static class RecipeText
{
    public const string File = "r.yaml";

    /// <summary>The smallest valid recipe; snippets append sections to it (it is lines 1-2).</summary>
    public const string Minimal = "name: t\nmodel: { path: m }\n";

    public static IReadOnlyList<string> Errors(string yaml, bool checkPaths = false) =>
        RecipeLoader.TryLoadText(yaml, File, checkPaths).Diagnostics.Select(d => d.ToString()).ToList();

    public static Recipe Load(string yaml)
    {
        var result = RecipeLoader.TryLoadText(yaml, File, checkPaths: false);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        return result.Recipe!;
    }
}
