namespace Finetune.Torch.Training;

/// <summary>Saved optimizer state does not fit the optimizer it is loaded into (missing tensor, other shape or dtype).</summary>
public sealed class OptimizerStateException(string tensorName, string message)
    : Exception($"optimizer state '{tensorName}': {message}")
{
    public string TensorName { get; } = tensorName;
}
