using System.Text.Json.Nodes;

namespace Finetune.Recipes.Tests;

/// <summary>The recipes checked in under recipes/ load.</summary>
public sealed class ExampleRecipeTests
{
    private static string ThinkAnswer => Path.Combine(Finetune.Testing.TestPaths.RepoRoot, "recipes", "think-answer.yaml");

    [Fact]
    public void Think_answer_encodes_the_original_job()
    {
        var recipe = RecipeLoader.Load(ThinkAnswer, new RecipeLoadOptions { CheckPaths = false });
        Assert.Equal("think-answer", recipe.Name);
        Assert.Equal("models/Llama-3.2-1B-Instruct", recipe.Model.Path);
        Assert.Equal(["<think>", "</think>", "<answer>", "</answer>"], recipe.Tokens.Add);
        Assert.Equal("<|finetune_right_pad_id|>", recipe.Tokens.PadToken);
        Assert.Null(recipe.Tokens.PadToMultipleOf);        // the original resized to exactly 128256 + 4 = 128260 rows
        Assert.Equal(SeedStrategy.Copy, recipe.Seed.Strategy);
        Assert.Equal("<|start_header_id|>", recipe.Seed.From);
        Assert.Equal("data/reasoning-0.01.jsonl", recipe.Data.Path);
        Assert.Equal(10000, recipe.Data.Take);
        Assert.Equal(LossOn.All, recipe.Data.LossOn);
        Assert.Equal("<think>{{ reasoning }}</think><answer>{{ output }}</answer>", recipe.Data.Messages![1].Content);
        Assert.Equal("26 Jul 2024", recipe.Data.TemplateVars["date_string"]);
        Assert.Equal(OptimizerKind.Adamw8bit, recipe.Train.Optimizer);
        Assert.Equal(1.0e-5, recipe.Train.LearningRate);
        Assert.Equal((2, 4, 8, 1024, 0.1, 50, 50), (recipe.Train.Epochs, recipe.Train.BatchSize, recipe.Train.GradientAccumulation,
            recipe.Train.MaxSeqLength, recipe.Train.WarmupRatio, recipe.Train.EvalEvery, recipe.Train.LogEvery));
        Assert.Equal(LearningRateSchedule.Linear, recipe.Train.Schedule);
        Assert.Equal(0.1, recipe.Data.TestFraction);
        Assert.Equal(Path.GetFullPath(Path.Combine(Finetune.Testing.TestPaths.RepoRoot, "artifacts", "export", "think-answer")),
            recipe.ResolvePath(recipe.Export.Path!));
    }

    /// <summary>
    /// The README's table of the original's settings (written by hand from the original job) against the
    /// recipe: every row's key, after defaults, holds exactly the value the table gives.
    /// </summary>
    [Fact]
    public void Think_answer_has_every_setting_of_the_original()
    {
        var readme = File.ReadAllText(Path.Combine(Finetune.Testing.TestPaths.RepoRoot, "README.md"));
        int start = readme.IndexOf("<!-- original-settings -->", StringComparison.Ordinal);
        int end = readme.IndexOf("<!-- /original-settings -->", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "README.md has no original-settings table");
        var rows = readme[start..end].Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(2).ToList();
        Assert.True(rows.Count >= 25, $"only {rows.Count} settings in the table");

        var recipe = JsonNode.Parse(RecipeJson.Canonical(RecipeLoader.Load(ThinkAnswer, new RecipeLoadOptions { CheckPaths = false })))!;
        var checkedKeys = new List<string>();
        foreach (var row in rows)
        {
            var cells = System.Text.RegularExpressions.Regex.Split(row.Trim().Trim('|'), @"(?<!\\)\|").Select(c => c.Trim()).ToArray();
            Assert.True(cells.Length == 3, $"not a three-cell row: {row}");
            var key = cells[1].Trim('`');
            var expected = JsonNode.Parse(cells[2].Trim('`').Replace("\\|", "|", StringComparison.Ordinal));
            JsonNode? actual = recipe;
            foreach (var part in key.Split('.'))
            {
                Assert.True(actual is JsonObject o && o.ContainsKey(part), $"{key}: no such recipe key");
                actual = actual![part];
            }
            Assert.True(SameValue(expected, actual), $"{key}: the original has {expected?.ToJsonString() ?? "null"}, the recipe {actual?.ToJsonString() ?? "null"} ({cells[0]})");
            checkedKeys.Add(key);
        }
        Assert.Equal(checkedKeys.Count, checkedKeys.Distinct().Count());
    }

    private static bool SameValue(JsonNode? a, JsonNode? b) => (a, b) switch
    {
        (null, null) => true,
        (JsonValue x, JsonValue y) when x.GetValueKind() == System.Text.Json.JsonValueKind.Number && y.GetValueKind() == System.Text.Json.JsonValueKind.Number
            => x.GetValue<double>() == y.GetValue<double>(),
        _ => JsonNode.DeepEquals(a, b),
    };

    [Fact]
    public void Think_answer_starts_with_how_to_run_it()
    {
        Assert.StartsWith("# ", File.ReadAllText(ThinkAnswer));
        Assert.Contains("dotnet finetune run recipes/think-answer.yaml", File.ReadAllText(ThinkAnswer));
    }

    [Fact]
    public void Think_answer_with_path_checks_reports_only_the_files_users_supply()
    {
        // The positions are found in the text independently of the loader: the line of each value, column 9.
        var lines = File.ReadAllLines(ThinkAnswer).ToList();
        var modelLine = lines.FindIndex(l => l.StartsWith("  path: models/", StringComparison.Ordinal)) + 1;
        var dataLine = lines.FindIndex(l => l.StartsWith("  path: data/", StringComparison.Ordinal)) + 1;
        var codes = RecipeLoader.TryLoad(ThinkAnswer).Diagnostics.Select(d => (d.Line, d.Column, d.Code, d.Message)).ToList();
        Assert.Equal(
            [
                (modelLine, 9, "FT008", "`model.path` does not exist: models/Llama-3.2-1B-Instruct"),
                (dataLine, 9, "FT008", "`data.path` does not exist: data/reasoning-0.01.jsonl"),
            ],
            codes);
    }

    [Fact]
    public void Every_checked_in_recipe_validates_without_path_checks()
    {
        var files = Directory.GetFiles(Path.Combine(Finetune.Testing.TestPaths.RepoRoot, "recipes"), "*.yaml");
        Assert.NotEmpty(files);
        foreach (var file in files)
            Assert.Empty(RecipeLoader.TryLoad(file, new RecipeLoadOptions { CheckPaths = false }).Diagnostics);
    }
}
