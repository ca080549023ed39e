using TorchSharp.Modules;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>
/// Which parameters get weight decay. As Hugging Face's Trainer (no decay on LayerNorm/RMSNorm weights
/// and biases), decided from the name and shape alone so it works on any named parameter list.
/// </summary>
public static class ParameterGroups
{
    /// <summary>
    /// False for 1-D tensors (norm weights, biases), names containing "norm" (any case) and names
    /// ending in "bias"; true for everything else (projection and embedding matrices).
    /// </summary>
    public static bool IsDecayed(string name, Parameter parameter)
    {
        if (parameter.dim() < 2) return false;
        if (name.Contains("norm", StringComparison.OrdinalIgnoreCase)) return false;
        return !name.EndsWith("bias", StringComparison.Ordinal);
    }
}
