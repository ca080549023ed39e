namespace Finetune.Recipes.Tests;

/// <summary>A minimal recipe gets the values of DESIGN.md §3 (the original job) and the documented defaults of added keys.</summary>
public sealed class RecipeDefaultsTests
{
    private static readonly Recipe Minimal = RecipeText.Load(RecipeText.Minimal);

    [Fact]
    public void Model_defaults_to_bf16_on_the_automatic_device()
    {
        Assert.Equal(new ModelSection { Path = "m", Dtype = ModelDtype.Bf16, Device = ModelDevice.Auto }, Minimal.Model);
    }

    [Fact]
    public void Tokens_default_to_none_added_as_normal_tokens_without_padding()
    {
        Assert.Empty(Minimal.Tokens.Add);
        Assert.False(Minimal.Tokens.Special);
        Assert.Null(Minimal.Tokens.PadToken);
        Assert.Null(Minimal.Tokens.PadToMultipleOf);
    }

    [Fact]
    public void Seed_defaults_to_mean_into_both_matrices()
    {
        Assert.Equal(SeedStrategy.Mean, Minimal.Seed.Strategy);
        Assert.Null(Minimal.Seed.From);
        Assert.Empty(Minimal.Seed.Overrides);
        Assert.Equal([SeedMatrix.Input, SeedMatrix.Output], Minimal.Seed.Rows);
        Assert.Null(Minimal.Seed.Probe);
        Assert.Equal(42, Minimal.Seed.RandomSeed);
    }

    [Fact]
    public void Data_is_absent_unless_given()
    {
        Assert.False(Minimal.HasData);
        Assert.Null(Minimal.Data.Path);
    }

    [Fact]
    public void Data_defaults_match_the_design()
    {
        var data = RecipeText.Load(RecipeText.Minimal + "data: { path: d.jsonl }\n").Data;
        Assert.Equal("d.jsonl", data.Path);
        Assert.Null(data.Take);
        Assert.Equal(0.1, data.TestFraction);
        Assert.Equal(42, data.ShuffleSeed);
        Assert.Null(data.Messages);
        Assert.Equal("model", data.ChatTemplate);
        Assert.Empty(data.TemplateVars);
        Assert.Equal(LossOn.Assistant, data.LossOn);
        Assert.Equal(BadRowPolicy.Error, data.OnBadRow);
    }

    [Fact]
    public void Train_defaults_match_the_design()
    {
        var train = Minimal.Train;
        Assert.Equal(2, train.Epochs);
        Assert.Equal(4, train.BatchSize);
        Assert.Equal(8, train.GradientAccumulation);
        Assert.Equal(1.0e-5, train.LearningRate);
        Assert.Equal(0.1, train.WarmupRatio);
        Assert.Equal(LearningRateSchedule.Linear, train.Schedule);
        Assert.Equal(OptimizerKind.Adamw, train.Optimizer);
        Assert.Equal(1024, train.MaxSeqLength);
        Assert.Equal(50, train.EvalEvery);
        Assert.Equal(50, train.LogEvery);
        Assert.Equal(SaveSchedule.Epoch, train.Save);
        Assert.Equal(42, train.Seed);
        Assert.Equal(TrainPrecision.Auto, train.Precision);
        Assert.Equal(1.0, train.MaxGradNorm);
        Assert.Equal(0.0, train.WeightDecay);
        Assert.Equal(0, train.FreezeNewRowsSteps);
        Assert.False(train.Packing);
        Assert.True(train.GroupByLength);
        Assert.Null(train.MaxSteps);
    }

    [Fact]
    public void Train_defaults_as_canonical_json()
    {
        // Written by hand: keys sorted ordinally, shortest round-trip numbers, enums by their YAML names.
        const string expected =
            "{\"adam_beta1\":0.9,\"adam_beta2\":0.999,\"adam_epsilon\":1E-08,\"batch_size\":4,\"checkpointing\":false,\"epochs\":2,\"eval_every\":50," +
            "\"freeze_new_rows_steps\":0,\"gradient_accumulation\":8,\"group_by_length\":true,\"learning_rate\":1E-05,\"log_every\":50," +
            "\"max_grad_norm\":1,\"max_seq_length\":1024,\"max_steps\":null,\"optimizer\":\"adamw\",\"packing\":false,\"precision\":\"auto\"," +
            "\"save\":\"epoch\",\"schedule\":\"linear\",\"seed\":42,\"warmup_ratio\":0.1,\"weight_decay\":0}";
        Assert.Equal(expected, RecipeJson.Canonical(Minimal.Train));
    }

    [Fact]
    public void Evaluate_defaults_match_the_design()
    {
        var evaluate = Minimal.Evaluate;
        Assert.Empty(evaluate.Prompts);
        Assert.Equal(20, evaluate.TestQuestions);
        Assert.Equal(256, evaluate.MaxNewTokens);
        Assert.Equal(0.0, evaluate.Temperature);
        Assert.Equal("<think>.+</think><answer>.+</answer>", evaluate.ExpectFormat);
    }

    [Fact]
    public void Export_defaults_to_a_bf16_hugging_face_folder_in_5GB_shards()
    {
        var export = Minimal.Export;
        Assert.Equal(ExportFormat.Hf, export.Format);
        Assert.Null(export.Path);
        Assert.Equal(ModelDtype.Bf16, export.Dtype);
        Assert.Equal(5_000_000_000, export.MaxShardSize.Bytes);
    }

    [Fact]
    public void Source_path_and_base_directory_come_from_the_given_path()
    {
        var result = RecipeLoader.TryLoadText(RecipeText.Minimal, "/some/where/r.yaml", checkPaths: false);
        Assert.Equal("/some/where/r.yaml", result.Recipe!.SourcePath);
        Assert.Equal("/some/where", result.Recipe.BaseDirectory);
        Assert.Equal("/some/where/models/m", result.Recipe.ResolvePath("models/m"));
        Assert.Equal("/some/other", result.Recipe.ResolvePath("../other"));
        Assert.Equal("/abs/m", result.Recipe.ResolvePath("/abs/m"));
    }

    [Fact]
    public void Null_for_an_optional_key_keeps_null()
    {
        var recipe = RecipeText.Load(RecipeText.Minimal + "evaluate: { expect_format: null }\ntokens: { pad_to_multiple_of: ~ }\n");
        Assert.Null(recipe.Evaluate.ExpectFormat);
        Assert.Null(recipe.Tokens.PadToMultipleOf);
    }

    [Theory]
    [InlineData("<think>a\nb</think><answer>42</answer>", true)]
    [InlineData("  <think>a</think><answer>42</answer>\n", true)]
    [InlineData("<think></think><answer>42</answer>", false)]
    [InlineData("The answer: <think>a</think><answer>42</answer>", false)]
    [InlineData("<think>a</think>", false)]
    public void Default_format_regex_matches_whole_multiline_answers(string answer, bool expected)
    {
        Assert.Equal(expected, Minimal.Evaluate.FormatRegex()!.IsMatch(answer));
    }
}
