using TorchSharp.Modules;
using static TorchSharp.torch;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Optimizers;

/// <summary>Clipping by the global L2 norm of all gradients, as <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Computes the L2 norm over all gradients (the norm of the per-tensor norms) and, when it exceeds
    /// <paramref name="maxNorm"/>, scales every gradient by maxNorm / (norm + 1e-6). Returns the norm before
    /// clipping (NaN or infinity when a gradient is not finite: the caller decides). Parameters without a
    /// gradient are skipped.
    /// </summary>
    public static double ClipByGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var grads = parameters.Select(p => p.grad).OfType<Tensor>().ToList();
        if (grads.Count == 0) return 0.0;
        var norms = grads.Select(g => linalg.vector_norm(g, 2)).ToList();
        var total = linalg.vector_norm(stack(norms), 2);
        var coefficient = (maxNorm / (total + 1e-6)).clamp_max(1.0);
        foreach (var g in grads) g.mul_(coefficient.to(g.dtype));
        return total.to(float64).item<double>();
    }
}
