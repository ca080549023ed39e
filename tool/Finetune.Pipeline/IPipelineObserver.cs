using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;

namespace Finetune.Pipeline;

/// <summary>Hears what the engine does; the CLI turns it into console lines or JSON.</summary>
public interface IPipelineObserver
{
    void StageCached(StagePlan plan);

    void StageStarting(StagePlan plan);

    void StageFinished(StagePlan plan, StoreManifest manifest);

    void StageSkipped(string stage, string why);

    void Message(string stage, string text);

    /// <summary>A long stage's progress; an observer without a live display hears the milestones as messages.</summary>
    void Progress(string stage, StageProgress progress)
    {
        if (progress.Milestone) Message(stage, progress.Line());
    }
}
