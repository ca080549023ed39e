using static TorchSharp.torch;
using Finetune.Torch.Models;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// Token cross-entropy summed over the tokens that carry loss. Summing (not averaging) per micro-batch is
/// what makes gradient accumulation exact: divide by the loss-token count of the whole effective batch
/// (<see cref="GradientAccumulator"/>). Computed in fp32 whatever the logits' dtype, as transformers does.
/// </summary>
public static class MaskedCrossEntropy
{
    /// <summary>The target value that carries no loss (PyTorch's and Hugging Face's ignore index).</summary>
    public const long IgnoreIndex = -100;

    /// <summary>
    /// Sum of -log softmax(logits)[target] over positions where <paramref name="mask"/> is true (or, with no
    /// mask, where the target is not <see cref="IgnoreIndex"/>). Logits (B, T, V) and targets (B, T) are
    /// already aligned: logits at t score targets at t. Returns a 0-dim fp32 tensor.
    /// </summary>
    public static Tensor Sum(Tensor logits, Tensor targets, Tensor? mask = null)
    {
        using var scope = NewDisposeScope();
        long vocab = logits.shape[^1];
        var masked = mask is null ? targets : targets.masked_fill(mask.logical_not(), IgnoreIndex);
        var loss = nn.functional.cross_entropy(
            logits.reshape(-1, vocab).to(float32), masked.reshape(-1).to(int64),
            ignore_index: IgnoreIndex, reduction: nn.Reduction.Sum);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Next-token form for a causal LM: logits (B, T, V) from input ids (B, T) predict ids shifted by one;
    /// <paramref name="lossMask"/> (B, T) marks the ids that carry loss (position 0 never does).
    /// </summary>
    public static Tensor NextTokenSum(Tensor logits, Tensor inputIds, Tensor lossMask)
    {
        using var scope = NewDisposeScope();
        long t = inputIds.shape[1];
        var loss = Sum(logits.narrow(1, 0, t - 1), inputIds.narrow(1, 1, t - 1), lossMask.narrow(1, 1, t - 1).to(@bool));
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same sum straight from the model, without full-vocabulary logits: the decoder's hidden states at the
    /// positions whose next token carries loss go through the head and the loss <see cref="ChunkedLinearCrossEntropy.ChunkRows"/>
    /// rows at a time (<see cref="ChunkedLinearCrossEntropy"/>). Equal to <c>NextTokenSum(model.forward(ids), ids, lossMask)</c>
    /// to float tolerance, loss and gradients.
    /// </summary>
    public static Tensor NextTokenSum(CausalLM model, Tensor inputIds, Tensor lossMask, Tensor? attentionMask = null, Tensor? positions = null)
    {
        using var scope = NewDisposeScope();
        long t = inputIds.shape[1];
        var hidden = model.model.forward(inputIds, null, attentionMask, positions);              // (B, T, H)
        var rows = lossMask.narrow(1, 1, t - 1).to(@bool).reshape(-1).nonzero().squeeze(1);    // (N) flat (b, t) with loss at t + 1
        var h = hidden.narrow(1, 0, t - 1).reshape(-1, hidden.shape[2]).index_select(0, rows); // (N, H)
        var targets = inputIds.narrow(1, 1, t - 1).reshape(-1).index_select(0, rows).to(int64);
        var loss = ChunkedLinearCrossEntropy.Sum(h, model.OutputWeight, targets, model.RealVocabSize ?? model.Config.VocabSize);
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>How many tokens of the next-token form carry loss (mask positions 1..T-1).</summary>
    public static long NextTokenCount(Tensor lossMask)
    {
        using var scope = NewDisposeScope();
        long t = lossMask.shape[1];
        return lossMask.narrow(1, 1, t - 1).to(@bool).sum().item<long>();
    }
}
