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
}
