using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Training;

/// <summary>Small helpers shared by the training tests.</summary>
internal static class TrainingTensors
{
    public static Parameter Param(float[] values, params long[] shape) => new(tensor(values, shape));

    public static Parameter Random(Generator generator, params long[] shape) => new(randn(shape, generator: generator));

    public static double[] Values(Tensor t) => t.detach().to(float64).flatten().data<double>().ToArray();

    /// <summary>max |a - b| / max |b|: the relative error of a tensor as a whole.</summary>
    public static double RelativeError(Tensor actual, Tensor expected)
    {
        using var scope = NewDisposeScope();
        var diff = (actual.detach().to(float64) - expected.detach().to(float64)).abs().max().item<double>();
        var scale = expected.detach().to(float64).abs().max().item<double>();
        return diff / scale;
    }

    public static bool BitEqual(Tensor a, Tensor b) => a.bytes.SequenceEqual(b.bytes);
}
