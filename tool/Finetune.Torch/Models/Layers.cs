using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Linear (with or without bias) and Embedding layers. Without <c>initialize</c> they are built on the meta device and
/// given uninitialised memory, so a model about to be loaded skips random initialisation (which costs
/// about 30 s for a 1B model on two cores).
/// </summary>
internal static class Layers
{
    private static readonly Device Meta = torch.device("meta");

    public static Linear Linear(long inputs, long outputs, ScalarType dtype, Device? device, bool initialize, bool bias = false)
    {
        if (initialize) return nn.Linear(inputs, outputs, hasBias: bias, device: device, dtype: dtype);
        var linear = nn.Linear(inputs, outputs, hasBias: bias, device: Meta, dtype: dtype);
        linear.weight = nn.Parameter(empty([outputs, inputs], dtype, device));
        if (bias) linear.bias = nn.Parameter(empty([outputs], dtype, device));
        return linear;
    }

    public static Embedding Embedding(long rows, long size, ScalarType dtype, Device? device, bool initialize)
    {
        if (initialize) return nn.Embedding(rows, size, device: device, dtype: dtype);
        var embedding = nn.Embedding(rows, size, device: Meta, dtype: dtype);
        embedding.weight = nn.Parameter(empty([rows, size], dtype, device));
        return embedding;
    }
}
