using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>train:</c>: the fine-tuned model.safetensors, metrics.jsonl and resumable checkpoints.</summary>
public sealed class TrainStage(Recipe recipe) : RecipeStage(recipe)
{
    public override string Name => "train";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["seed", "map"];

    public override StageDeclaration Declare() => new(
        new JsonObject
        {
            ["train"] = Section(Recipe.Train),
            ["dtype"] = Value(Recipe.Model.Dtype),
            ["device"] = Value(Recipe.Model.Device),
        },
        ModelFiles.Config(ModelPath).Concat(ModelFiles.Weights(ModelPath)).DistinctBy(f => f.Label).ToDictionary(f => f.Label, f => f.Path));

    /// <summary>The fine-tuned, resized model inside the stage output: config.json + model.safetensors.</summary>
    public const string ModelFolder = "model";

    public const string MetricsFile = "metrics.jsonl";

    public override void Run(StageRun run) => throw NotImplementedYet();
}
