using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// The head and the token loss in one step that never holds the logits of more than one chunk of rows:
/// <c>sum_i -log softmax(h_i W^T)[t_i]</c> over the rows of <c>h</c>, computed <see cref="ChunkRows"/> rows at
/// a time. While computing the loss it also computes the gradients of <c>h</c> and <c>W</c> (when either needs
/// them), so backward is a scale by the incoming gradient: no logits are kept for backward and the head's
/// matmul runs once, as in Liger-Kernel's fused linear cross-entropy. Logits are formed in the weights' dtype
/// and soft-maxed in fp32, as the plain path (<c>linear</c> then <see cref="MaskedCrossEntropy.Sum"/>) does;
/// the gradient of <c>W</c> is summed over chunks in fp32.
/// Inputs to <c>apply</c>: hidden (N, H), weight (V, H), targets (N) int64 (all rows carry loss),
/// real vocabulary size (int; columns at or above it are -inf, padding rows), chunk rows (int).
/// Returns a 0-dim fp32 tensor.
/// </summary>
public sealed class ChunkedLinearCrossEntropy : torch.autograd.SingleTensorFunction<ChunkedLinearCrossEntropy>
{
    /// <summary>Rows per chunk: 1,024 rows of a 128k vocabulary is 0.5 GB of fp32 logits.</summary>
    public const int ChunkRows = 1024;

    public override string Name => nameof(ChunkedLinearCrossEntropy);

    /// <summary>Summed token loss of <paramref name="hidden"/> (N, H) under the head <paramref name="weight"/> (V, H).</summary>
    public static Tensor Sum(Tensor hidden, Tensor weight, Tensor targets, int realVocab, int chunkRows = ChunkRows)
    {
        if (hidden.shape[0] == 0) return zeros([], ScalarType.Float32, hidden.device);
        return apply(hidden, weight, targets, realVocab, chunkRows);
    }

    public override Tensor forward(torch.autograd.AutogradContext ctx, params object[] vars)
    {
        var hidden = (Tensor)vars[0];                                                   // (N, H)
        var weight = (Tensor)vars[1];                                                   // (V, H)
        var targets = (Tensor)vars[2];                                                  // (N)
        int realVocab = (int)vars[3], chunkRows = (int)vars[4];
        bool gradHidden = hidden.requires_grad, gradWeight = weight.requires_grad;
        long n = hidden.shape[0], vocab = weight.shape[0];
        var loss = zeros([], ScalarType.Float64, hidden.device);
        var hiddenGrad = gradHidden ? empty_like(hidden) : null;
        var weightGrad = gradWeight ? zeros(weight.shape, ScalarType.Float32, weight.device) : null;
        using (var padding = realVocab < vocab ? arange(vocab, ScalarType.Int64, hidden.device) >= realVocab : null)
        {
            for (long start = 0; start < n; start += chunkRows)
            {
                using var scope = NewDisposeScope();
                long rows = Math.Min(chunkRows, n - start);
                var h = hidden.narrow(0, start, rows);                                  // (C, H)
                var t = targets.narrow(0, start, rows).unsqueeze(1);                    // (C, 1)
                var logits = nn.functional.linear(h, weight).to(ScalarType.Float32);    // (C, V)
                if (padding is not null) logits = logits.masked_fill(padding, double.NegativeInfinity);
                var logSoftmax = logits.log_softmax(1);                                 // (C, V)
                loss.sub_(logSoftmax.gather(1, t).sum().to(ScalarType.Float64));
                if (hiddenGrad is null && weightGrad is null) continue;
                var g = logSoftmax.exp_().scatter_add_(1, t, full([rows, 1], -1f, ScalarType.Float32, h.device)); // softmax - onehot
                var gh = g.to(weight.dtype);
                hiddenGrad?.narrow(0, start, rows).copy_(gh.mm(weight));                // (C, H)
                // (V, H) summed in fp32 in place, no (V, H) temporary: from the fp32 softmax rows and the chunk's hidden
                // states (a (C, H) fp32 copy when the model is bf16).
                weightGrad?.addmm_(g.t(), h.dtype == ScalarType.Float32 ? h : h.to(ScalarType.Float32));
            }
        }
        ctx.save_for_backward([hiddenGrad!, weightGrad?.to(weight.dtype)!]);
        return loss.to(ScalarType.Float32);
    }

    public override List<Tensor> backward(torch.autograd.AutogradContext ctx, Tensor gradOutput)
    {
        var saved = ctx.get_saved_variables();
        Tensor? Scaled(Tensor t) => t is null || t.IsInvalid ? null : t * gradOutput.to(t.dtype);
        return [Scaled(saved[0])!, Scaled(saved[1])!, null!, null!, null!];   // hidden, weight; none for targets and the two ints
    }
}
