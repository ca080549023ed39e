using System.Text.Json;
using System.Text.Json.Serialization;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Bench;

/// <summary>One <c>bench train</c> measurement; <see cref="ToJson"/> is the <c>--json</c> line.</summary>
public sealed record TrainBenchResult
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public required string Model { get; init; }
    /// <summary>Trainable parameters (the adapter's alone with LoRA).</summary>
    public required long Parameters { get; init; }

    /// <summary>full, or "lora r=R".</summary>
    public string Method { get; init; } = "full";

    public required int Batch { get; init; }
    public required int Seq { get; init; }
    public required int Steps { get; init; }
    public required string Optimizer { get; init; }
    public required string Dtype { get; init; }
    public required string Device { get; init; }
    public required int Threads { get; init; }

    /// <summary>batch x seq / median step time.</summary>
    public required double TokensPerS { get; init; }

    public required double StepSMedian { get; init; }
    public required double StepSMin { get; init; }

    /// <summary>Median time of the forward pass (model and loss), seconds; a wall time on CPU only.</summary>
    public double ForwardSMedian { get; init; }

    /// <summary>Median time of backward, seconds.</summary>
    public double BackwardSMedian { get; init; }

    /// <summary>Median time of the rest of the step (clipping, the optimizer, zeroing, master copies), seconds.</summary>
    public double OptimizerSMedian { get; init; }

    /// <summary>Peak resident memory of the process (VmHWM), MiB; null where /proc is missing.</summary>
    public double? PeakRssMb { get; init; }

    /// <summary>Peak CUDA memory, MiB: null, TorchSharp 0.107 exposes no CUDA memory statistics.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public double? CudaPeakMemoryMb { get; init; }

    public required double FinalLoss { get; init; }

    public bool Checkpointing { get; init; }

    /// <summary>Resident and peak memory after each part of the first step (runtime, model, optimizer state, forward, backward, step).</summary>
    public IReadOnlyList<MemoryPhase> Phases { get; init; } = [];

    /// <summary><see cref="TrainMemoryPlan"/>'s total plus the measured runtime, MiB; null for a model folder.</summary>
    public double? PlannedPeakMb { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
