using TorchSharp;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Bench;

/// <summary>What <see cref="TrainBench.Run"/> measures: a preset (random weights) or a model folder, on random token ids.</summary>
public sealed record TrainBenchOptions
{
    /// <summary>A name from <see cref="TrainBench.Presets"/>; exactly one of this and <see cref="ModelPath"/>.</summary>
    public string? Preset { get; init; }

    /// <summary>A Hugging Face folder, .safetensors or .gguf file (its own weights).</summary>
    public string? ModelPath { get; init; }

    public int Batch { get; init; } = 8;
    public int Seq { get; init; } = 256;

    /// <summary>Timed optimizer steps (the median is reported).</summary>
    public int Steps { get; init; } = 10;

    /// <summary>Untimed steps first (allocator and kernel warm-up).</summary>
    public int WarmupSteps { get; init; } = 2;

    public OptimizerKind Optimizer { get; init; } = OptimizerKind.AdamW;
    public torch.ScalarType DType { get; init; } = torch.ScalarType.Float32;
    public string Device { get; init; } = "cpu";

    /// <summary>bf16 only: fp32 master weights as <see cref="TrainerOptions.MasterWeights"/> (the trainer's default).</summary>
    public bool MasterWeights { get; init; } = true;

    /// <summary>Torch intra-op threads; null keeps torch's default.</summary>
    public int? Threads { get; init; }

    public ulong Seed { get; init; }

    /// <summary>Recompute each block in backward (<see cref="Models.CheckpointedLayer"/>).</summary>
    public bool Checkpointing { get; init; }

    /// <summary>Changes to the preset's shape (hidden size, layers, heads, vocabulary, tying...); null = the preset as it is.</summary>
    public Func<Models.ModelConfig, Models.ModelConfig>? Shape { get; init; }

    /// <summary>The random model's config: the preset with <see cref="Shape"/> applied.</summary>
    public Models.ModelConfig Config()
    {
        var config = TrainBench.Presets[Preset ?? "tiny"]();
        return Shape is null ? config : Shape(config);
    }

    /// <summary>What a step of these options should hold (<see cref="TrainMemoryPlan"/>).</summary>
    public TrainMemoryPlan Plan(Models.ModelConfig config) =>
        TrainMemoryPlan.For(config, DType, Optimizer, MasterWeights, Batch, Seq, Checkpointing);

    public void Validate()
    {
        if (Preset is not null && ModelPath is not null) throw new ArgumentException("give either a preset or a model path");
        if (ModelPath is not null && Shape is not null) throw new ArgumentException("shape options apply to random models, not to a model path");
        if (Preset != null && !TrainBench.Presets.ContainsKey(Preset))
            throw new ArgumentException($"unknown preset '{Preset}' (known: {string.Join(", ", TrainBench.Presets.Keys)})");
        if (Batch < 1 || Seq < 2 || Steps < 1 || WarmupSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(Batch), "batch >= 1, seq >= 2, steps >= 1, warmup >= 0");
        if (Threads is < 1) throw new ArgumentOutOfRangeException(nameof(Threads), Threads, "threads must be >= 1");
    }
}
