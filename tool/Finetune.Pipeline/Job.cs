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

    /// <summary>
    /// The engine over the recipe's stages; reasons compare with the recipe's own lock, or with
    /// <paramref name="againstLock"/> (another run's lock, for <c>plan --against</c>), which must exist.
    /// </summary>
    public static PipelineEngine Engine(Recipe recipe, string storeRoot, string? againstLock = null)
    {
        if (againstLock != null && !File.Exists(againstLock))
            throw new PipelineException($"{againstLock}: lock file not found (--against takes the .lock file another recipe's run wrote beside it)");
        return new(Stages(recipe), new ArtifactStore(storeRoot), RecipeLock.Load(againstLock ?? RecipeLock.PathFor(recipe.SourcePath)));
    }
}
