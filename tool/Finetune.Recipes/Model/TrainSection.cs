using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary><c>train:</c> the fine-tuning run.</summary>
public sealed record TrainSection
{
    /// <summary>Passes over the training split.</summary>
    [RecipeRange(Min = 1)]
    [Description("Passes over the training split (>= 1).")]
    public int Epochs { get; init; } = 2;

    /// <summary>Optimizer steps at most; null runs all epochs.</summary>
    [RecipeRange(Min = 1)]
    [Description("Stop after this many optimizer steps even if epochs remain. null: no cap.")]
    public int? MaxSteps { get; init; }

    /// <summary>Sequences per forward pass.</summary>
    [RecipeRange(Min = 1, Max = 65536)]
    [Description("Sequences per forward pass, 1 to 65536.")]
    public int BatchSize { get; init; } = 4;

    /// <summary>Forward passes per optimizer step.</summary>
    [RecipeRange(Min = 1, Max = 65536)]
    [Description("Forward passes accumulated per optimizer step, 1 to 65536; effective batch = batch_size * gradient_accumulation.")]
    public int GradientAccumulation { get; init; } = 8;

    /// <summary>What trains: every weight, or LoRA adapters over a frozen base.</summary>
    [Description("What trains: full (every weight) or lora (low-rank adapters over the frozen base, see `lora`).")]
    public TrainMethod Method { get; init; } = TrainMethod.Full;

    /// <summary>The adapters of <c>method: lora</c>.</summary>
    [Description("LoRA settings, used with `method: lora`.")]
    public LoraSection Lora { get; init; } = new();

    /// <summary>Peak learning rate.</summary>
    [RecipeRange(Min = 0, MinExclusive = true)]
    [Description("Peak learning rate (> 0).")]
    public double LearningRate { get; init; } = 1.0e-5;

    /// <summary>Fraction of steps with linear warmup.</summary>
    [RecipeRange(Min = 0, Max = 1, MaxExclusive = true)]
    [Description("Fraction of the optimizer steps spent in linear warmup, in [0, 1).")]
    public double WarmupRatio { get; init; } = 0.1;

    /// <summary>Learning-rate schedule after warmup.</summary>
    [Description("Learning-rate schedule after warmup: linear, cosine or constant.")]
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Linear;

    /// <summary>Optimizer.</summary>
    [Description("Optimizer: adamw or adamw_8bit.")]
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adamw;

    /// <summary>AdamW beta1.</summary>
    [RecipeRange(Min = 0, Max = 1, MaxExclusive = true)]
    [Description("AdamW beta1, in [0, 1).")]
    public double AdamBeta1 { get; init; } = 0.9;

    /// <summary>AdamW beta2.</summary>
    [RecipeRange(Min = 0, Max = 1, MaxExclusive = true)]
    [Description("AdamW beta2, in [0, 1).")]
    public double AdamBeta2 { get; init; } = 0.999;

    /// <summary>AdamW epsilon.</summary>
    [RecipeRange(Min = 0, MinExclusive = true)]
    [Description("AdamW epsilon (> 0).")]
    public double AdamEpsilon { get; init; } = 1e-8;

    /// <summary>Decoupled weight decay.</summary>
    [RecipeRange(Min = 0)]
    [Description("Decoupled weight decay (>= 0).")]
    public double WeightDecay { get; init; }

    /// <summary>Gradient clipping by global norm; 0 disables clipping.</summary>
    [RecipeRange(Min = 0)]
    [Description("Clip gradients to this global L2 norm; 0 disables clipping.")]
    public double MaxGradNorm { get; init; } = 1.0;

    /// <summary>Tokens per sequence at most; longer rows are truncated.</summary>
    [RecipeRange(Min = 1, Max = 1048576)]
    [Description("Tokens per sequence at most (up to 1048576); longer rows are truncated and counted in stats.json.")]
    public int MaxSeqLength { get; init; } = 1024;

    /// <summary>Pack several rows into one sequence.</summary>
    [Description("Pack several short rows into one max_seq_length sequence.")]
    public bool Packing { get; init; }

    /// <summary>Batch rows of similar length together.</summary>
    [Description("Batch rows of similar length together to reduce padding (ignored with packing).")]
    public bool GroupByLength { get; init; } = true;

    /// <summary>Recompute each decoder block in backward instead of keeping its activations.</summary>
    [Description("Activation checkpointing: keep only each decoder block's input and recompute the block in backward; activation memory of one block at a time for about a third more compute. Gradients are the same.")]
    public bool Checkpointing { get; init; }

    /// <summary>Train only the new embedding rows for this many steps first.</summary>
    [RecipeRange(Min = 0)]
    [Description("Train only the new tokens' rows for this many optimizer steps before unfreezing the whole model; 0: never frozen.")]
    public int FreezeNewRowsSteps { get; init; }

    /// <summary>Optimizer steps between evaluations on the test split.</summary>
    [RecipeRange(Min = 1)]
    [Description("Optimizer steps between test-split loss evaluations (>= 1).")]
    public int EvalEvery { get; init; } = 50;

    /// <summary>Optimizer steps between log lines.</summary>
    [RecipeRange(Min = 1)]
    [Description("Optimizer steps between metrics log lines (>= 1).")]
    public int LogEvery { get; init; } = 50;

    /// <summary>When checkpoints are saved.</summary>
    [Description("Checkpoints: `epoch` (after each epoch), `end` (final weights only) or `steps N` (every N optimizer steps).")]
    public SaveSchedule Save { get; init; } = SaveSchedule.Epoch;

    /// <summary>Random seed of training (data order, dropout).</summary>
    [RecipeRange(Min = 0)]
    [Description("Random seed of training (batch order, sampling).")]
    public int Seed { get; init; } = 42;

    /// <summary>Compute precision.</summary>
    [Description("Compute precision: auto (bf16 on CUDA, fp32 on CPU), fp32 or bf16.")]
    public TrainPrecision Precision { get; init; } = TrainPrecision.Auto;
}
