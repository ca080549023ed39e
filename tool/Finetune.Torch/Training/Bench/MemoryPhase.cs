namespace Finetune.Torch.Training.Bench;

/// <summary>The process's resident and peak memory (MiB) when a phase of a training step ended.</summary>
public sealed record MemoryPhase(string Phase, double RssMb, double PeakMb)
{
    public static MemoryPhase Now(string phase) =>
        new(phase, (ProcessMemory.CurrentRssBytes() ?? 0) / 1048576.0, (ProcessMemory.PeakRssBytes() ?? 0) / 1048576.0);
}
