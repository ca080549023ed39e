using Finetune.Pipeline.Planning;

namespace Finetune.Pipeline;

/// <summary>
/// A stage whose store entry is also copied somewhere a user looks (the export folder). Publishing runs
/// after the stage ran or was found cached (and its entry verified), so a deleted export folder comes back
/// on the next run. It goes through <see cref="Publishing.Publisher"/>: only into folders the tool owns.
/// </summary>
public interface IPublishingStage : IStage
{
    /// <param name="entryDir">the stage's store entry</param>
    /// <param name="plan">its key and the upstream keys it came from (recorded in the published marker)</param>
    /// <param name="storeRoot">the store, which publishing must never touch</param>
    /// <param name="cancellation">Ctrl-C: checked between copied files; the published folder stays as it was</param>
    void Publish(string entryDir, StagePlan plan, string storeRoot, IPipelineObserver observer, CancellationToken cancellation = default);
}
