namespace Finetune.Recipes.Tests;

/// <summary><c>train.method: lora</c>, <c>train.lora</c> and <c>export.adapter</c>: defaults and the conflicts validate reports.</summary>
public sealed class LoraRecipeTests
{
    private static string ThinkAnswerLora => Path.Combine(Finetune.Testing.TestPaths.RepoRoot, "recipes", "think-answer-lora.yaml");

    [Fact]
    public void Lora_defaults_are_rank_16_alpha_32_all_linear_with_trainable_rows()
    {
        var recipe = RecipeText.Load(RecipeText.Minimal + "train:\n  method: lora\n");
        Assert.Equal(TrainMethod.Lora, recipe.Train.Method);
        Assert.Equal(16, recipe.Train.Lora.Rank);
        Assert.Equal(32, recipe.Train.Lora.Alpha);
        Assert.Equal(0.05, recipe.Train.Lora.Dropout);
        Assert.Equal([LoraTarget.AllLinear], recipe.Train.Lora.Targets);
        Assert.Equal(LoraNewRows.Train, recipe.Train.Lora.NewRows);
        Assert.False(recipe.Export.Adapter);
        Assert.Equal(TrainMethod.Full, RecipeText.Load(RecipeText.Minimal).Train.Method);
    }

    [Fact]
    public void Targets_take_PEFT_module_names()
    {
        var recipe = RecipeText.Load(RecipeText.Minimal + "train:\n  method: lora\n  lora: { rank: 8, targets: [q_proj, v_proj], new_rows: frozen }\n");
        Assert.Equal([LoraTarget.QProj, LoraTarget.VProj], recipe.Train.Lora.Targets);
        Assert.Equal(LoraNewRows.Frozen, recipe.Train.Lora.NewRows);
        Assert.Single(RecipeText.Errors(RecipeText.Minimal + "train:\n  method: lora\n  lora: { targets: [q_projj] }\n"), e => e.Contains("q_proj", StringComparison.Ordinal));
    }

    [Fact]
    public void Lora_settings_or_an_adapter_export_without_method_lora_are_conflicts()
    {
        Assert.Equal(["r.yaml:4:3: error FT010: `train.lora` is only used by `train.method: lora`, but the method is `full` (add `method: lora`, or remove `lora`)"],
            RecipeText.Errors(RecipeText.Minimal + "train:\n  lora: { rank: 8 }\n"));
        Assert.Equal(["r.yaml:3:20: error FT010: `export.adapter: true` needs `train.method: lora` (full fine-tuning has no adapter) (remove `adapter`, or train with `method: lora`)"],
            RecipeText.Errors(RecipeText.Minimal + "export: { adapter: true }\n"));
    }

    [Fact]
    public void Freezing_rows_first_conflicts_with_lora_and_targets_must_be_distinct()
    {
        var errors = RecipeText.Errors(RecipeText.Minimal + "train:\n  method: lora\n  freeze_new_rows_steps: 10\n  lora: { targets: [q_proj, q_proj] }\n");
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("`train.freeze_new_rows_steps` needs `train.method: full`", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("`train.lora.targets[1]` repeats `q_proj`", StringComparison.Ordinal));
        Assert.Contains("`train.lora.rank` must be >= 1", string.Join("\n", RecipeText.Errors(RecipeText.Minimal + "train:\n  method: lora\n  lora: { rank: 0 }\n")), StringComparison.Ordinal);
    }

    [Fact]
    public void Think_answer_lora_is_the_original_job_with_rank_16_on_all_linear_layers_and_trainable_rows()
    {
        var lora = RecipeLoader.Load(ThinkAnswerLora, new RecipeLoadOptions { CheckPaths = false });
        var full = RecipeLoader.Load(Path.Combine(Finetune.Testing.TestPaths.RepoRoot, "recipes", "think-answer.yaml"), new RecipeLoadOptions { CheckPaths = false });
        Assert.Equal(TrainMethod.Lora, lora.Train.Method);
        Assert.Equal(16, lora.Train.Lora.Rank);
        Assert.Equal([LoraTarget.AllLinear], lora.Train.Lora.Targets);
        Assert.Equal(LoraNewRows.Train, lora.Train.Lora.NewRows);
        Assert.True(lora.Export.Adapter);
        Assert.Equal(RecipeJson.Canonical(full.Tokens), RecipeJson.Canonical(lora.Tokens));
        Assert.Equal(RecipeJson.Canonical(full.Seed), RecipeJson.Canonical(lora.Seed));
        Assert.Equal(RecipeJson.Canonical(full.Model with { Dtype = lora.Model.Dtype }), RecipeJson.Canonical(lora.Model));   // the frozen base stays bf16 on purpose
        Assert.Equal(full.Train.GroupByLength, lora.Train.GroupByLength);
        Assert.Equal(RecipeJson.Canonical(full.Data), RecipeJson.Canonical(lora.Data));
        Assert.Equal(RecipeJson.Canonical(full.Evaluate), RecipeJson.Canonical(lora.Evaluate));
        Assert.Contains("dotnet finetune run recipes/think-answer-lora.yaml", File.ReadAllText(ThinkAnswerLora), StringComparison.Ordinal);
    }
}
