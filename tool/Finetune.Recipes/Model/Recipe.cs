using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary>A loaded recipe: every section with defaults applied, plus where it came from.</summary>
public sealed record Recipe
{
    /// <summary>Recipe name; used in artifact and export names.</summary>
    [RecipeRequired]
    [Description("Recipe name: letters, digits, '.', '_' or '-', starting with a letter or digit. Used in artifact names.")]
    public string Name { get; init; } = "";

    /// <summary>The base model.</summary>
    [RecipeRequired]
    [Description("The base model.")]
    public ModelSection Model { get; init; } = new();

    /// <summary>Tokens to add.</summary>
    [Description("Tokens added to the tokenizer and the embedding.")]
    public TokensSection Tokens { get; init; } = new();

    /// <summary>Initialisation of the new rows.</summary>
    [Description("How the embedding rows of the new tokens are initialised.")]
    public SeedSection Seed { get; init; } = new();

    /// <summary>The dataset; <see cref="DataSection.Path"/> is null when the recipe has no data.</summary>
    [Description("The dataset and how rows become chat conversations. Absent: no data (map, train and evaluate have nothing to do).")]
    public DataSection Data { get; init; } = new();

    /// <summary>Fine-tuning settings.</summary>
    [Description("Fine-tuning settings.")]
    public TrainSection Train { get; init; } = new();

    /// <summary>Evaluation settings.</summary>
    [Description("What is measured after training.")]
    public EvaluateSection Evaluate { get; init; } = new();

    /// <summary>Export settings.</summary>
    [Description("The exported model.")]
    public ExportSection Export { get; init; } = new();

    /// <summary>Full path of the recipe file (not a YAML key).</summary>
    [RecipeIgnore]
    public string SourcePath { get; init; } = "";

    /// <summary>Folder of the recipe file; relative paths resolve against it (not a YAML key).</summary>
    [RecipeIgnore]
    public string BaseDirectory { get; init; } = "";

    /// <summary>Where each value was written, for errors found after loading (not a YAML key).</summary>
    [RecipeIgnore]
    public RecipePositions? Positions { get; init; }

    /// <summary>Whether the recipe has a <c>data</c> section.</summary>
    public bool HasData => Data.Path != null;

    /// <summary>
    /// A recipe-relative path as a full path (absolute paths are kept). A Hugging Face cache folder
    /// (<c>models--ORG--NAME</c> or <c>datasets--ORG--NAME</c>, as the HF CLI downloads into) stands for its
    /// snapshot: the one <c>refs/main</c> names, else its only one (<see cref="HfCacheFolder"/>).
    /// </summary>
    public string ResolvePath(string relative) =>
        HfCacheFolder.Snapshot(System.IO.Path.GetFullPath(System.IO.Path.Combine(BaseDirectory, relative)));
}
