using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Stages;
using Finetune.Pipeline.Store;
using Finetune.Recipes;

namespace Finetune.Pipeline;

/// <summary>
/// The recipe compiled into its seven stages: each stage gets its input record, built from the recipe by
/// that record's <c>From</c>, and nothing else of the recipe.
/// </summary>
public static class Job
{
    public static IReadOnlyList<IStage> Stages(Recipe recipe) =>
    [
        new TokenizeStage(TokenizeInput.From(recipe)),
        new ResizeStage(ResizeInput.From(recipe)),
        new SeedStage(SeedInput.From(recipe)),
        new MapStage(MapInput.From(recipe)),
        new TrainStage(TrainInput.From(recipe)),
        new EvaluateStage(EvaluateInput.From(recipe)),
        new ExportStage(ExportInput.From(recipe)),
    ];

    public static PipelineEngine Engine(Recipe recipe, string storeRoot) =>
        new(Stages(recipe), new ArtifactStore(storeRoot), RecipeLock.Load(RecipeLock.PathFor(recipe.SourcePath)));
}
