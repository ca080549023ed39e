using TorchSharp;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>Copying saved optimizer state into live state tensors, with checks that name the tensor.</summary>
internal static class StateTensors
{
    public static void CopyInto(IReadOnlyDictionary<string, torch.Tensor> saved, string name, torch.Tensor target)
    {
        if (!saved.TryGetValue(name, out var source))
            throw new OptimizerStateException(name, "missing (was the checkpoint written by another optimizer or model?)");
        if (source.dtype != target.dtype)
            throw new OptimizerStateException(name, $"dtype {source.dtype}, expected {target.dtype}");
        if (!source.shape.SequenceEqual(target.shape))
            throw new OptimizerStateException(name, $"shape [{string.Join(", ", source.shape)}], expected [{string.Join(", ", target.shape)}]");
        using var noGrad = torch.no_grad();
        target.copy_(source);
    }

    public static torch.Tensor NewStep() => torch.zeros(Array.Empty<long>(), torch.int64).DetachFromDisposeScope();
}
