using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>A projection's output plus its delta, if one is attached under that projection's name.</summary>
internal static class ProjectionDeltas
{
    public static Tensor Apply(Linear layer, IReadOnlyDictionary<string, IProjectionDelta>? deltas, string name, Tensor x)
    {
        var output = layer.forward(x);
        return deltas != null && deltas.TryGetValue(name, out var delta) ? output.add_(delta.forward(x)) : output;
    }
}
