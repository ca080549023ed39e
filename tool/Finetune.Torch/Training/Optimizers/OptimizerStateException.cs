using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>Saved optimizer state does not fit the optimizer it is loaded into (missing tensor, other shape or dtype).</summary>
public sealed class OptimizerStateException(string tensorName, string message)
    : Exception($"optimizer state '{tensorName}': {message}")
{
    public string TensorName { get; } = tensorName;
}
