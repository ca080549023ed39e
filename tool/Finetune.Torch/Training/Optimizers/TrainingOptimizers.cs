using TorchSharp.Modules;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>Builds the optimizer a recipe names over a model's named parameters.</summary>
public static class TrainingOptimizers
{
    public static ITrainingOptimizer Create(OptimizerKind kind, IReadOnlyList<(string Name, Parameter P)> parameters, AdamWOptions options) =>
        kind switch
        {
            OptimizerKind.AdamW => new AdamW(parameters, options),
            OptimizerKind.AdamW8bit => new AdamW8bit(parameters, options),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer"),
        };
}
