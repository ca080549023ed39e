using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>Shared plumbing of the seven stages: the recipe, and sections as canonical JSON parameters.</summary>
public abstract class RecipeStage(Recipe recipe) : IStage
{
    protected Recipe Recipe { get; } = recipe;

    /// <summary>How stage reports are written: indented, snake_case, non-ASCII kept readable.</summary>
    protected static readonly System.Text.Json.JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    protected static readonly System.Text.Json.JsonSerializerOptions SnakeCase = new()
    {
        PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public abstract string Name { get; }

    public abstract int Version { get; }

    public abstract IReadOnlyList<string> Upstream { get; }

    public abstract StageDeclaration Declare();

    public abstract void Run(StageRun run);

    protected string ModelPath => Recipe.ResolvePath(Recipe.Model.Path);

    /// <summary>Any recipe value (enum, scalar, list) as canonical JSON.</summary>
    protected static JsonNode? Value(object? value) => value is null ? null : JsonNode.Parse(RecipeJson.Canonical(value));

    /// <summary>A section after defaults as JSON, minus keys that name places rather than content.</summary>
    protected static JsonObject Section(object section, params string[] without)
    {
        var json = JsonNode.Parse(RecipeJson.Canonical(section))!.AsObject();
        foreach (var key in without) json.Remove(key);
        return json;
    }

    /// <summary>The recipe's chat template file, when it names one instead of the model's own.</summary>
    protected IEnumerable<(string Label, string Path)> TemplateFile()
    {
        if (Recipe.Data.ChatTemplate != "model")
            yield return ("data/chat_template", Recipe.ResolvePath(Recipe.Data.ChatTemplate));
    }

    /// <summary>The dataset: one file, or every supported file under a folder in ordinal path order.</summary>
    protected IEnumerable<(string Label, string Path)> DatasetFiles()
    {
        if (Recipe.Data.Path is null) yield break;
        var path = Recipe.ResolvePath(Recipe.Data.Path);
        if (File.Exists(path))
        {
            yield return ($"data/{System.IO.Path.GetFileName(path)}", path);
            yield break;
        }
        if (!Directory.Exists(path)) throw new PipelineException($"{path}: dataset not found");
        string[] kinds = [".jsonl", ".json", ".csv", ".parquet"];
        foreach (var f in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                     .Where(f => kinds.Contains(System.IO.Path.GetExtension(f).ToLowerInvariant()))
                     .OrderBy(f => f, StringComparer.Ordinal))
            yield return ($"data/{System.IO.Path.GetRelativePath(path, f).Replace('\\', '/')}", f);
    }
}
