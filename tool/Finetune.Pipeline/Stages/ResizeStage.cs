using System.Text.Json.Nodes;
using Finetune.Recipes;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>Old/new embedding rows (padded to <c>tokens.pad_to_multiple_of</c>), tied or not: a patch description, not a model copy.</summary>
public sealed class ResizeStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "resize";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize"];

    public override StageDeclaration Declare() => new(
        new JsonObject { ["pad_to_multiple_of"] = Recipe.Tokens.PadToMultipleOf },
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).DistinctBy(f => f.Label).ToDictionary(f => f.Label, f => f.Path));

    public const string ResultFile = "resize.json";

    public override void Run(StageRun run)
    {
        var config = ModelConfigReader.Read(ModelPath);
        var tokenizer = HfTokenizer.FromFolder(Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder));
        var result = ResizePlan.Compute(config.VocabSize, tokenizer.VocabSize, Recipe.Tokens.PadToMultipleOf, config.TieWordEmbeddings, config.HiddenSize);
        File.WriteAllText(Path.Combine(run.OutputDir, ResultFile), result.ToJson().ToJsonString(Indented));
        run.Report($"rows {result.OldRows} -> {result.NewRows} ({result.PaddingRows} padding rows; head {(result.Tied ? "tied" : "untied")})");
    }
}
