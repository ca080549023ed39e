using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>
/// Embedding rows padded past the real vocabulary (<c>pad_to_multiple_of</c>) are never tokens: their
/// logits are set to -inf so softmax gives them probability 0 and they get no gradient through the loss.
/// </summary>
public static class VocabPadding
{
    /// <summary>Logits (..., V) with columns at index &gt;= <paramref name="realVocabSize"/> set to -inf (out of place, autograd-safe).</summary>
    public static Tensor MaskPaddedLogits(Tensor logits, long realVocabSize)
    {
        long vocab = logits.shape[^1];
        if (realVocabSize > vocab || realVocabSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(realVocabSize), realVocabSize, $"real vocabulary size must be in 1..{vocab}");
        if (realVocabSize == vocab) return logits.alias();
        using var scope = NewDisposeScope();
        var padded = arange(vocab, device: logits.device) >= realVocabSize;  // (V,)
        return logits.masked_fill(padded, double.NegativeInfinity).MoveToOuterDisposeScope();
    }
}
