using TorchSharp;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>Bytes held by optimizer state: the sum of element size x element count over its tensors.</summary>
public static class OptimizerMemory
{
    public static long StateBytes(ITrainingOptimizer optimizer) => StateBytes(optimizer.StateDict().Values);

    public static long StateBytes(IEnumerable<torch.Tensor> tensors) =>
        tensors.Sum(t => t.element_size() * t.numel());
}
