using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary><c>data:</c> the dataset and how rows become chat conversations. Absent: no data (Path is null).</summary>
public sealed record DataSection
{
    /// <summary>Dataset file (jsonl, json, csv, parquet) or folder of them; required when the section is present.</summary>
    [RecipeRequired, RecipePath(FileExtensions = ".jsonl .ndjson .json .csv .parquet", What = "a .jsonl, .ndjson, .json, .csv or .parquet file, or a folder of them",
        Needs = "a .jsonl, .json, .csv or .parquet file, or a folder of them, e.g. a Hugging Face dataset snapshot (`hf download --repo-type dataset SkunkworksAI/reasoning-0.01 --local-dir data/reasoning-0.01`, whose data/*.parquet are read in path order); the HF cache's datasets--ORG--NAME folder works too")]
    [Description("Dataset: a .jsonl, .json, .csv or .parquet file, or a folder of them, relative to the recipe file. Required when `data` is present.")]
    public string? Path { get; init; }

    /// <summary>Use only the first N rows in file order (before the split's shuffle), as the original did; null uses all.</summary>
    [RecipeRange(Min = 1)]
    [Description("Use only the first N rows in file order (as the original's select(range(N))), before the train/test split shuffles them. null: all rows.")]
    public int? Take { get; init; }

    /// <summary>Fraction of rows held out for evaluation.</summary>
    [RecipeRange(Min = 0, MinExclusive = true, Max = 1, MaxExclusive = true)]
    [Description("Fraction of the rows held out as the test split, in (0, 1).")]
    public double TestFraction { get; init; } = 0.1;

    /// <summary>Seed of the shuffle that splits the rows kept by take into train and test.</summary>
    [RecipeRange(Min = 0)]
    [Description("Seed of the row shuffle that splits the rows (after take, which keeps the first N in file order) into train and test.")]
    public int ShuffleSeed { get; init; } = 42;

    /// <summary>Mapping from row columns to chat messages; null when rows carry a <c>messages</c> column.</summary>
    [Description("Chat messages rendered from each row ({role, content} with Jinja over the columns). null: the rows already have a `messages` column.")]
    public IReadOnlyList<MessageTemplate>? Messages { get; init; }

    /// <summary><c>model</c> (the model's own template) or a path to a .jinja file.</summary>
    [RecipePath(Except = "model", AllowFolder = false, What = "a .jinja template file")]
    [Description("Chat template: `model` (the one in the model's tokenizer_config.json) or a .jinja file relative to the recipe file.")]
    public string ChatTemplate { get; init; } = "model";

    /// <summary>Extra variables for the chat template, pinned so keys stay stable.</summary>
    [Description("Extra chat-template variables (e.g. date_string), pinned so stage keys stay stable; true and false become booleans (e.g. Qwen3's enable_thinking).")]
    public IReadOnlyDictionary<string, string> TemplateVars { get; init; } = new Dictionary<string, string>();

    /// <summary>Which tokens count in the loss.</summary>
    [Description("Loss on: assistant (only assistant turns) or all (every non-padding token).")]
    public LossOn LossOn { get; init; } = LossOn.Assistant;

    /// <summary>What to do with a row that cannot be rendered.</summary>
    [Description("A row that cannot be rendered (missing column, bad JSON): error (stop, naming file and row) or skip (drop and count it).")]
    public BadRowPolicy OnBadRow { get; init; } = BadRowPolicy.Error;
}
