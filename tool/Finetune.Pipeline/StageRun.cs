namespace Finetune.Pipeline;

/// <summary>What a running stage gets: where to write, where its upstream outputs are, and a voice.</summary>
public sealed class StageRun
{
    public required string Stage { get; init; }
    public required string Key { get; init; }

    /// <summary>A fresh temp folder; everything written here becomes the store entry.</summary>
    public required string OutputDir { get; init; }

    /// <summary>A folder that survives a failed attempt (checkpoints); removed once the entry is committed.</summary>
    public required string WorkDir { get; init; }

    public required IReadOnlyDictionary<string, string> UpstreamDirs { get; init; }

    public bool Resume { get; init; }

    public required IPipelineObserver Observer { get; init; }

    public CancellationToken Cancellation { get; init; }

    public string UpstreamDir(string stage) => UpstreamDirs.TryGetValue(stage, out var dir)
        ? dir
        : throw new InvalidOperationException($"stage {Stage} did not declare {stage} upstream");

    public void Report(string message) => Observer.Message(Stage, message);

    /// <summary>How far the stage is (a live bar on a terminal, milestone lines otherwise).</summary>
    public void Progress(StageProgress progress) => Observer.Progress(Stage, progress);
}
