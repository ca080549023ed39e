using TorchSharp;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// Settings of one <see cref="SftTrainer"/> run. Every value is required: defaults live only in the recipe
/// (<c>train:</c>), and <c>TrainInput.Options</c> is the one place recipe values become these. The model is
/// trained in its own dtype and on its own device; <see cref="DType"/> and <see cref="Device"/> say what
/// the caller expects and are checked against it before any work.
/// </summary>
public sealed record TrainerOptions
{
    public required int Epochs { get; init; }

    /// <summary>Stop after this many optimizer steps (also the schedule's length); null = all epochs.</summary>
    public required int? MaxSteps { get; init; }

    /// <summary>Sequences per forward pass (rows, or packed sequences with <see cref="Packing"/>).</summary>
    public required int BatchSize { get; init; }

    public required int GradientAccumulation { get; init; }
    public required double LearningRate { get; init; }
    public required double WarmupRatio { get; init; }
    public required ScheduleKind Schedule { get; init; }
    public required OptimizerKind Optimizer { get; init; }
    public required double Beta1 { get; init; }
    public required double Beta2 { get; init; }
    public required double Eps { get; init; }
    public required double WeightDecay { get; init; }

    /// <summary>Global gradient-norm clip; 0 = no clipping (the norm is still logged).</summary>
    public required double MaxGradNorm { get; init; }

    /// <summary>Optimizer steps between eval-loss passes over the eval shard (also run after the last step).</summary>
    public required int EvalEvery { get; init; }

    /// <summary>Optimizer steps between metrics lines (the last step is always logged).</summary>
    public required int LogEvery { get; init; }

    public required SavePolicy Save { get; init; }
    public required ulong Seed { get; init; }

    /// <summary>Concatenate rows into sequences of at most <see cref="MaxSeqLength"/> tokens, attention kept within each row.</summary>
    public required bool Packing { get; init; }

    /// <summary>Without packing: batch rows of similar length (HF's LengthGroupedSampler) to cut padding.</summary>
    public required bool GroupByLength { get; init; }

    /// <summary>Recompute each decoder block in backward (<see cref="Models.DecoderModel.GradientCheckpointing"/>).</summary>
    public required bool Checkpointing { get; init; }

    /// <summary>Longest sequence fed to the model; rows longer than this are an error (the map stage truncates). Null = the longest row.</summary>
    public required int? MaxSeqLength { get; init; }

    /// <summary>For this many first optimizer steps only embedding rows &gt;= <see cref="FirstNewRow"/> train.</summary>
    public required int FreezeNewRowsSteps { get; init; }

    /// <summary>Index of the first added token row (the old vocabulary size).</summary>
    public required int FirstNewRow { get; init; }

    /// <summary>Token id used for right padding (never carries loss).</summary>
    public required int PadId { get; init; }

    /// <summary>Rows at or above this id are padding rows of the matrix: their logits are -inf. Null = the whole matrix is real.</summary>
    public required int? RealVocabSize { get; init; }

    /// <summary>Expected model dtype: float32 or bfloat16.</summary>
    public required torch.ScalarType DType { get; init; }

    /// <summary>
    /// For a bf16 model: keep fp32 master weights and optimizer state (mixed precision, what HF's bf16
    /// training does); false trains the bf16 weights directly (half the memory, small updates round away).
    /// </summary>
    public required bool MasterWeights { get; init; }

    /// <summary>Expected model device, e.g. "cpu" or "cuda:0".</summary>
    public required string Device { get; init; }

    internal AdamWOptions AdamW => new() { LearningRate = LearningRate, Beta1 = Beta1, Beta2 = Beta2, Eps = Eps, WeightDecay = WeightDecay };

    /// <summary>Rejects inconsistent settings before any tensor work (argument errors naming the setting).</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value < 1) throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1");
        }
        Positive(Epochs, nameof(Epochs));
        Positive(BatchSize, nameof(BatchSize));
        Positive(GradientAccumulation, nameof(GradientAccumulation));
        Positive(EvalEvery, nameof(EvalEvery));
        Positive(LogEvery, nameof(LogEvery));
        if (MaxSteps is < 1) throw new ArgumentOutOfRangeException(nameof(MaxSteps), MaxSteps, "max_steps must be >= 1");
        if (MaxSeqLength is < 2) throw new ArgumentOutOfRangeException(nameof(MaxSeqLength), MaxSeqLength, "max_seq_length must be >= 2");
        if (Packing && MaxSeqLength is null) throw new ArgumentException("packing needs max_seq_length", nameof(MaxSeqLength));
        if (!(MaxGradNorm >= 0)) throw new ArgumentOutOfRangeException(nameof(MaxGradNorm), MaxGradNorm, "max_grad_norm must be >= 0");
        if (FreezeNewRowsSteps < 0) throw new ArgumentOutOfRangeException(nameof(FreezeNewRowsSteps), FreezeNewRowsSteps, "freeze steps must be >= 0");
        if (FreezeNewRowsSteps > 0 && FirstNewRow < 1)
            throw new ArgumentOutOfRangeException(nameof(FirstNewRow), FirstNewRow, "freezing needs the first new row (the old vocabulary size, >= 1)");
        if (DType is not (torch.ScalarType.Float32 or torch.ScalarType.BFloat16))
            throw new ArgumentException($"dtype must be float32 or bfloat16, not {DType}", nameof(DType));
        LrSchedule.WarmupStepsFromRatio(WarmupRatio, 1);
        AdamW.Validate();
    }
}
