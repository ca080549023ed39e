using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>The files a recipe names besides the model (its chat template and dataset), by role label.</summary>
public static class RecipeFiles
{
    public const string TemplateLabel = "data/chat_template";

    /// <summary><c>data.chat_template</c> as a stage key sees it: <c>model</c>, or <c>file</c> (the file's content is keyed under <see cref="TemplateLabel"/>).</summary>
    public static string TemplateChoice(Recipe recipe) => recipe.Data.ChatTemplate == "model" ? "model" : "file";

    /// <summary>The recipe's chat template file; null when it uses the model's own.</summary>
    public static string? TemplateFile(Recipe recipe) =>
        recipe.Data.ChatTemplate == "model" ? null : recipe.ResolvePath(recipe.Data.ChatTemplate);

    public static IEnumerable<(string Label, string Path)> Template(string? templateFile)
    {
        if (templateFile != null) yield return (TemplateLabel, templateFile);
    }

    /// <summary>The dataset: one file, or every supported file under a folder in ordinal path order.</summary>
    public static IEnumerable<(string Label, string Path)> Dataset(string? path)
    {
        if (path is null) yield break;
        if (File.Exists(path))
        {
            yield return ($"data/{Path.GetFileName(path)}", path);
            yield break;
        }
        if (!Directory.Exists(path)) throw new PipelineException($"{path}: dataset not found");
        string[] kinds = [".jsonl", ".json", ".csv", ".parquet"];
        foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                     .Where(f => kinds.Contains(Path.GetExtension(f).ToLowerInvariant()))
                     .OrderBy(f => f, StringComparer.Ordinal))
            yield return ($"data/{Path.GetRelativePath(path, f).Replace('\\', '/')}", f);
    }
}
