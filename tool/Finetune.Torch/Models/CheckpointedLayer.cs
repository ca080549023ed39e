using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Activation checkpointing of one decoder block (PyTorch's reentrant <c>torch.utils.checkpoint</c>): forward
/// runs the block without recording autograd, keeping only its input; backward runs the block again with
/// autograd on and back-propagates through that copy, which adds the block's parameter gradients and returns
/// the input's. Memory per block drops from all its activations to one (B, T, hidden) tensor, for about one
/// more forward pass of compute. A block that draws random numbers (LoRA dropout) draws them from
/// <paramref name="generator"/>: as with torch.utils.checkpoint's <c>preserve_rng_state</c>, its state is kept at
/// the forward and restored for the recomputation (then put back), so backward sees the masks the loss saw and
/// the generator ends where an uncheckpointed step leaves it. <see cref="InTrainingForward"/> tells such a block
/// that the unrecorded forward is a training one. <c>apply(x, layer, cos, sin, mask, generator)</c>; mask and
/// generator may be null.
/// </summary>
public sealed class CheckpointedLayer : torch.autograd.SingleTensorFunction<CheckpointedLayer>
{
    [ThreadStatic] private static bool inForward;

    public override string Name => nameof(CheckpointedLayer);

    /// <summary>True while a checkpointed block runs its first (unrecorded) forward of a training step.</summary>
    public static bool InTrainingForward => inForward;

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, layer, cos, sin, mask, generator) = Unpack(vars);
        ctx.save_for_backward([x, cos, sin, mask!]);
        ctx.save_data("layer", layer);
        ctx.save_data("generator", generator!);
        ctx.save_data("state", generator?.get_state().DetachFromDisposeScope()!);
        inForward = true;
        try { return layer.forward(x, cos, sin, mask, null); }
        finally { inForward = false; }
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var layer = (DecoderLayer)ctx.get_data("layer");
        var mask = saved[3] is { IsInvalid: false } m ? m : null;
        var generator = ctx.get_data("generator") as Generator;
        using var state = ctx.get_data("state") as Tensor;
        using var now = generator?.get_state();
        Tensor input;
        try
        {
            if (generator is not null) generator.set_state(state!);
            using (enable_grad())
            {
                input = saved[0].detach().requires_grad_();
                using var output = layer.forward(input, saved[1], saved[2], mask, null);
                torch.autograd.backward([output], [gradOutput]);
            }
        }
        finally
        {
            if (generator is not null) generator.set_state(now!);
        }
        return [input.grad!, null!, null!, null!, null!, null!];             // x; none for layer, cos, sin, mask, generator
    }

    private static (Tensor X, DecoderLayer Layer, Tensor Cos, Tensor Sin, Tensor? Mask, Generator? Generator) Unpack(object[] vars) =>
        ((Tensor)vars[0], (DecoderLayer)vars[1], (Tensor)vars[2], (Tensor)vars[3], vars[4] as Tensor, vars[5] as Generator);
}
