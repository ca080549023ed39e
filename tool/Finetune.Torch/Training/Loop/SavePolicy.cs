using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary><c>save: epoch | end | steps N</c>. Every policy also saves after the last step.</summary>
public sealed record SavePolicy(SaveKind Kind, int EverySteps = 0)
{
    public static SavePolicy Epoch { get; } = new(SaveKind.Epoch);
    public static SavePolicy End { get; } = new(SaveKind.End);
    public static SavePolicy Steps(int every) => every >= 1
        ? new(SaveKind.Steps, every)
        : throw new ArgumentOutOfRangeException(nameof(every), every, "save every N steps needs N >= 1");

    /// <summary>Whether to save after optimizer step <paramref name="stepsDone"/> (1-based).</summary>
    public bool SaveAfter(long stepsDone, bool epochEnded, bool last) => last || Kind switch
    {
        SaveKind.Epoch => epochEnded,
        SaveKind.Steps => stepsDone % EverySteps == 0,
        _ => false,
    };
}
