using Finetune.Pipeline.Data;
using Finetune.Pipeline.Publishing;
using Finetune.Pipeline.Stages;
using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;

namespace Finetune.Pipeline;

/// <summary>
/// Everything that can be checked against the recipe, the model's config.json and tokenizer and the first
/// data rows without training, checked before the first stage starts (<c>validate</c>, <c>plan</c> and
/// <c>run</c> all call it). Each error points at the recipe value at fault (file:line:col).
/// </summary>
public static class Preflight
{
    /// <summary>The export formats this build writes.</summary>
    public static IReadOnlySet<ExportFormat> SupportedExportFormats { get; } = new HashSet<ExportFormat> { ExportFormat.Hf };

    /// <summary>Every problem found, ordered by position; empty when the recipe can run.</summary>
    /// <param name="storeRoot">the store the run would use (publishing into or above it is refused)</param>
    /// <param name="cudaAvailable">whether a CUDA device is there (asked only for <c>device: cuda</c>); default asks TorchSharp</param>
    /// <param name="cancellation">Ctrl-C: checked while the data rows are counted</param>
    public static IReadOnlyList<RecipeDiagnostic> Check(Recipe recipe, string storeRoot, Func<bool>? cudaAvailable = null, CancellationToken cancellation = default)
    {
        var at = recipe.Positions ?? new RecipePositions(recipe.SourcePath);
        var errors = new List<RecipeDiagnostic>();

        if (!SupportedExportFormats.Contains(recipe.Export.Format))
            errors.Add(at.Error("export.format", PreflightCodes.ExportFormat,
                $"`export.format: {Name(recipe.Export.Format)}` is not supported by this build",
                "supported: " + string.Join(", ", SupportedExportFormats.Select(Name))));

        if (recipe.Model.Device == ModelDevice.Cuda && !(cudaAvailable ?? TorchSharp.torch.cuda_is_available)())
            errors.Add(at.Error("model.device", PreflightCodes.NoCuda, "`model.device: cuda`, but no CUDA device is available",
                "use device: auto or cpu, or build with -p:TorchBackend=cuda on a machine with a GPU"));

        if (recipe.Export.Path is { } target && Publisher.Refusal(recipe.ResolvePath(target), PublishGuard.For(recipe, storeRoot)) is { } refusal)
            errors.Add(at.Error("export.path", PreflightCodes.ExportTarget, $"`export.path` cannot be published: {refusal}"));

        if (ForeignLock(recipe.SourcePath) is { } foreign)
            errors.Add(new RecipeDiagnostic(at.File, 1, 1, PreflightCodes.ForeignLock,
                $"{foreign} exists but is not a lock file this tool wrote; a run records its keys there and never overwrites a file it did not write",
                "move that file away, or rename the recipe"));

        var modelPath = recipe.ResolvePath(recipe.Model.Path);
        if (File.Exists(modelPath) || Directory.Exists(modelPath))
        {
            Guard(errors, at, "model.path", () => CheckConfig(recipe, ModelConfigReader.Read(modelPath), at, errors));
            Guard(errors, at, "model.path", () => CheckTokens(recipe, HfTokenizer.Load(modelPath), at, errors));
        }

        var templates = ParseTemplates(recipe, at, errors);
        if (recipe.Data.Path is { } data && (File.Exists(recipe.ResolvePath(data)) || Directory.Exists(recipe.ResolvePath(data))))
            Guard(errors, at, "data.path", () => CheckData(recipe, recipe.ResolvePath(data), templates, at, errors, cancellation));

        return errors.Distinct().OrderBy(e => e.Line).ThenBy(e => e.Column).ToList();
    }

    private static void CheckConfig(Recipe recipe, ModelConfig config, RecipePositions at, List<RecipeDiagnostic> errors)
    {
        var rows = recipe.Seed.Rows;
        if (config.TieWordEmbeddings && rows.Contains(SeedMatrix.Output) && !rows.Contains(SeedMatrix.Input))
            errors.Add(at.Error("seed.rows", PreflightCodes.TiedOutput,
                "`seed.rows: [output]`, but the model ties its output head to the input embedding (tie_word_embeddings), so there is no separate output row to seed",
                "use rows: [input]; the tied head follows it"));
        if (recipe.Train.MaxSeqLength > config.MaxPositionEmbeddings)
            errors.Add(at.Error("train.max_seq_length", PreflightCodes.SequenceTooLong,
                $"`train.max_seq_length` is {recipe.Train.MaxSeqLength}, above the model's max_position_embeddings {config.MaxPositionEmbeddings}",
                $"use at most {config.MaxPositionEmbeddings}"));
    }

    private static void CheckTokens(Recipe recipe, HfTokenizer tokenizer, RecipePositions at, List<RecipeDiagnostic> errors)
    {
        if (recipe.Tokens.IfExists == TokenIfExists.Reuse) return;          // the recipe asked to keep existing tokens as they are
        var add = recipe.Tokens.Add;
        for (var i = 0; i < add.Count; i++)
            if (tokenizer.TokenToId(add[i]) is int id)
                errors.Add(at.Error($"tokens.add[{i}]", PreflightCodes.TokenExists,
                    $"`tokens.add[{i}]` `{add[i]}` is already in the model's tokenizer (id {id})",
                    "remove it from tokens.add, or set tokens.if_exists: reuse to train the existing token"));
    }

    /// <summary>Each <c>data.messages[i].content</c> parsed; a syntax error is reported at that message.</summary>
    private static List<(int Index, ChatTemplate Template)> ParseTemplates(Recipe recipe, RecipePositions at, List<RecipeDiagnostic> errors)
    {
        var parsed = new List<(int, ChatTemplate)>();
        var messages = recipe.Data.Messages ?? [];
        for (var i = 0; i < messages.Count; i++)
        {
            var name = $"data.messages[{i}].content";
            try
            {
                parsed.Add((i, ChatTemplate.Parse(messages[i].Content, name)));
            }
            catch (TemplateException e)
            {
                errors.Add(at.Error(name, PreflightCodes.TemplateSyntax, $"`{name}` does not parse: {e.Message}"));
            }
        }
        return parsed;
    }

    private static void CheckData(Recipe recipe, string path, List<(int Index, ChatTemplate Template)> templates, RecipePositions at, List<RecipeDiagnostic> errors, CancellationToken cancellation)
    {
        var data = recipe.Data;
        var rows = DatasetReader.Open(path, cancellation);
        if (data.Take is int take) rows = rows.Take(take);
        DataRow? first = null;
        var count = 0;
        foreach (var row in rows)
        {
            first ??= row;
            count++;
        }
        if (first is null)
        {
            errors.Add(at.Error("data.path", PreflightCodes.BatchTooLarge, "the dataset has no rows"));
            return;
        }

        if (data.Messages is null)
        {
            if (!first.TryGetValue("messages", out _))
                errors.Add(at.Error("data", PreflightCodes.MissingColumn,
                    $"the recipe has no `data.messages`, so each row needs a `messages` column, but the first row ({first}) has none (columns: {string.Join(", ", first.ColumnNames)})",
                    "add data.messages to map the columns to chat messages"));
        }
        foreach (var (index, template) in templates)
            foreach (var column in template.UndeclaredVariables.Order(StringComparer.Ordinal).Where(c => !first.TryGetValue(c, out _)))
                errors.Add(at.Error($"data.messages[{index}].content", PreflightCodes.MissingColumn,
                    $"`data.messages[{index}].content` reads column `{column}`, which the first data row ({first}) does not have (columns: {string.Join(", ", first.ColumnNames)})"));

        var trainRows = count - DatasetSplitter.TestCount(count, data.TestFraction);
        if (recipe.Train.BatchSize > trainRows)
            errors.Add(at.Error("train.batch_size", PreflightCodes.BatchTooLarge,
                $"`train.batch_size` is {recipe.Train.BatchSize}, larger than the {trainRows} training rows ({count} rows{(data.Take is null ? "" : " after take")}, {count - trainRows} for the test split)",
                $"use at most {trainRows}, or more data"));
    }

    /// <summary>Runs a check that reads the model or the data; a file it cannot read is one error at the recipe key naming it.</summary>
    private static void Guard(List<RecipeDiagnostic> errors, RecipePositions at, string key, Action check)
    {
        try
        {
            check();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or InvalidDataException
                                     || e.GetType().Namespace?.StartsWith("Finetune.", StringComparison.Ordinal) == true)
        {
            errors.Add(at.Error(key, PreflightCodes.Unreadable, $"`{key}` cannot be read: {e.Message.ReplaceLineEndings(" ")}"));
        }
    }

    /// <summary>The recipe's lock path when a file is there that is not the tool's lock (JSON with a <c>stages</c> object).</summary>
    private static string? ForeignLock(string recipePath)
    {
        var path = Planning.RecipeLock.PathFor(recipePath);
        if (!File.Exists(path)) return null;
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path)) is System.Text.Json.Nodes.JsonObject { } json && json["stages"] is System.Text.Json.Nodes.JsonObject
                ? null
                : path;
        }
        catch (System.Text.Json.JsonException)
        {
            return path;
        }
    }

    private static string Name(ExportFormat format) => format.ToString().ToLowerInvariant();
}
