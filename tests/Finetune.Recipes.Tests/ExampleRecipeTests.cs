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
