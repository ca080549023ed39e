using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Activation checkpointing of one decoder block (PyTorch's reentrant <c>torch.utils.checkpoint</c>): forward
/// runs the block without recording autograd, keeping only its input; backward runs the block again with
/// autograd on and back-propagates through that copy, which adds the block's parameter gradients and returns
/// the input's. Memory per block drops from all its activations to one (B, T, hidden) tensor, for about one
/// more forward pass of compute. The blocks have no randomness, so the recomputation is exact.
/// <c>apply(x, layer, cos, sin, mask)</c>; mask may be null.
/// </summary>
public sealed class CheckpointedLayer : torch.autograd.SingleTensorFunction<CheckpointedLayer>
{
    public override string Name => nameof(CheckpointedLayer);

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var (x, layer, cos, sin, mask) = Unpack(vars);
        ctx.save_for_backward([x, cos, sin, mask!]);
        ctx.save_data("layer", layer);
        return layer.forward(x, cos, sin, mask, null);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        var layer = (DecoderLayer)ctx.get_data("layer");
        var mask = saved[3] is { IsInvalid: false } m ? m : null;
        Tensor input;
        using (enable_grad())
        {
            input = saved[0].detach().requires_grad_();
            using var output = layer.forward(input, saved[1], saved[2], mask, null);
            torch.autograd.backward([output], [gradOutput]);
        }
        return [input.grad!, null!, null!, null!, null!];                    // x; none for layer, cos, sin, mask
    }

    private static (Tensor X, DecoderLayer Layer, Tensor Cos, Tensor Sin, Tensor? Mask) Unpack(object[] vars) =>
        ((Tensor)vars[0], (DecoderLayer)vars[1], (Tensor)vars[2], (Tensor)vars[3], vars[4] as Tensor);
}
