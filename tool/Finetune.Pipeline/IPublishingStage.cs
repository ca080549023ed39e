namespace Finetune.Pipeline;

/// <summary>
/// A stage whose store entry is also copied somewhere a user looks (the export folder). Publishing runs
/// after the stage ran or was found cached, so a deleted export folder comes back on the next run.
/// </summary>
public interface IPublishingStage : IStage
{
    void Publish(string entryDir, IPipelineObserver observer);
}
