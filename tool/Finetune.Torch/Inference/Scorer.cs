using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Inference;

/// <summary>Teacher-forced per-token log-probabilities.</summary>
public static class Scorer
{
    /// <summary>
    /// For ids <c>x0..xn</c>: element i is <c>log P(x[i+1] | x0..xi)</c> (n values), from an fp32 log-softmax.
    /// </summary>
    public static float[] TokenLogProbs(CausalLM model, IReadOnlyList<int> ids)
    {
        if (ids.Count < 2) return [];
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var device = model.OutputWeight.device;
        var input = tensor(ids.Select(i => (long)i).ToArray(), device: device).unsqueeze(0);     // (1, T)
        var logits = model.forward(input.narrow(1, 0, ids.Count - 1), null);                     // (1, T-1, V)
        var logProbs = logits.to_type(ScalarType.Float32).log_softmax(-1);
        var targets = input.narrow(1, 1, ids.Count - 1).unsqueeze(-1);                          // (1, T-1, 1)
        return logProbs.gather(-1, targets).view(-1).cpu().data<float>().ToArray();
    }
}
