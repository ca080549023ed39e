namespace Finetune.Recipes;

/// <summary>
/// Loads recipe YAML strictly: unknown and duplicate keys, wrong types, out-of-range values, missing keys,
/// contradicting keys and missing paths are all reported, each with file, line and column (recipes/ERRORS.md).
/// </summary>
public static class RecipeLoader
{
    /// <summary>Recipe files larger than this are refused before reading (a recipe is a few KB).</summary>
    public const long MaxRecipeBytes = 4 * 1024 * 1024;

    /// <summary>Loads a recipe file, checking paths; throws <see cref="RecipeException"/> with every error.</summary>
    public static Recipe Load(string path) => Load(path, RecipeLoadOptions.Default);

    /// <summary>Loads a recipe file; throws <see cref="RecipeException"/> with every error.</summary>
    public static Recipe Load(string path, RecipeLoadOptions options)
    {
        var result = TryLoad(path, options);
        return result.Success ? result.Recipe! : throw new RecipeException(result.Diagnostics);
    }

    /// <summary>Loads a recipe file, checking paths, and returns the recipe or every error.</summary>
    public static RecipeLoadResult TryLoad(string path) => TryLoad(path, RecipeLoadOptions.Default);

    /// <summary>Loads a recipe file and returns the recipe or every error.</summary>
    public static RecipeLoadResult TryLoad(string path, RecipeLoadOptions options)
    {
        string text;
        if (Directory.Exists(path))
            return Failure(new RecipeDiagnostic(path, 1, 1, ErrorCodes.NoRecipe, "this is a folder, not a recipe file", "give the path of a .yaml file"));
        if (PathProblems.Describe(path) is { } problem)
            return Failure(new RecipeDiagnostic(path, 1, 1, ErrorCodes.NoRecipe, $"the recipe path {problem}", null));
        try
        {
            if (new FileInfo(path).Length > MaxRecipeBytes)
                return Failure(new RecipeDiagnostic(path, 1, 1, ErrorCodes.NoRecipe, $"the recipe file is over {MaxRecipeBytes / (1024 * 1024)} MB; a recipe is a few KB", null));
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            var message = ex is FileNotFoundException or DirectoryNotFoundException ? "recipe file not found" : $"cannot read the recipe: {ex.Message}";
            return Failure(new RecipeDiagnostic(path, 1, 1, ErrorCodes.NoRecipe, message, null));
        }
        return TryLoadText(text, path, options);
    }

    /// <summary>Loads recipe text with <paramref name="options"/>; see <see cref="TryLoadText(string, string, bool)"/>.</summary>
    public static RecipeLoadResult TryLoadText(string yaml, string path, RecipeLoadOptions options)
    {
        var bag = new DiagnosticBag(path);
        var root = YamlTreeReader.Read(yaml, out var syntaxError);
        if (syntaxError is var (message, line, column))
            return Failure(new RecipeDiagnostic(path, line, column, ErrorCodes.Syntax, message, null));
        if (root is null or YamlScalar { IsNull: true })
            return Failure(new RecipeDiagnostic(path, 1, 1, ErrorCodes.NoRecipe, "the recipe is empty", "start with `name:` and `model: { path: ... }`"));

        var binder = new RecipeBinder(bag);
        var bound = binder.BindRecipe(root);
        if (bound is null)
            return new RecipeLoadResult { Diagnostics = bag.Sorted() };
        var sourcePath = Path.GetFullPath(path);
        var recipe = bound with
        {
            SourcePath = sourcePath,
            BaseDirectory = Path.GetDirectoryName(sourcePath)!,
            Positions = RecipePositions.From(path, binder.Nodes),
        };
        new RecipeRules(recipe, binder, bag).Check(options);
        return bag.Count == 0
            ? new RecipeLoadResult { Recipe = recipe }
            : new RecipeLoadResult { Diagnostics = bag.Sorted() };
    }

    /// <summary>
    /// Loads recipe text. <paramref name="path"/> names the file in diagnostics (as given) and anchors
    /// relative paths (its folder); it need not exist when <paramref name="checkPaths"/> is false.
    /// </summary>
    public static RecipeLoadResult TryLoadText(string yaml, string path, bool checkPaths = true) =>
        TryLoadText(yaml, path, new RecipeLoadOptions { CheckPaths = checkPaths });

    private static RecipeLoadResult Failure(RecipeDiagnostic diagnostic) => new() { Diagnostics = [diagnostic] };
}
