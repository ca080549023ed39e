using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Stages;
using Finetune.Pipeline.Store;
using Finetune.Recipes;

namespace Finetune.Pipeline;

/// <summary>The recipe compiled into its seven stages, wired to a store and the recipe's lock file.</summary>
public static class Job
{
    public static IReadOnlyList<IStage> Stages(Recipe recipe) =>
    [
        new TokenizeStage(recipe),
        new ResizeStage(recipe),
        new SeedStage(recipe),
        new MapStage(recipe),
        new TrainStage(recipe),
        new EvaluateStage(recipe),
        new ExportStage(recipe),
    ];

    public static PipelineEngine Engine(Recipe recipe, string storeRoot) =>
        new(Stages(recipe), new ArtifactStore(storeRoot), RecipeLock.Load(RecipeLock.PathFor(recipe.SourcePath)));
}
