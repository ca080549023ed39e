using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// Replacement values for a block of token rows of the embedding and the head (trainable new-token rows over
/// frozen matrices, as PEFT's trainable tokens): the model asks it after the embedding lookup and after the head.
/// </summary>
public interface ITokenRows
{
    /// <param name="ids">(B, T) token ids</param>
    /// <param name="embedded">(B, T, hidden): the frozen embedding's rows</param>
    /// <returns>(B, T, hidden) with the replaced rows' values where ids fall in the block</returns>
    Tensor Embed(Tensor ids, Tensor embedded);

    /// <param name="hidden">(B, T, hidden): the final hidden states</param>
    /// <param name="logits">(B, T, vocab): logits of the frozen head</param>
    /// <returns>(B, T, vocab) with the block's columns computed from the replaced rows</returns>
    Tensor Logits(Tensor hidden, Tensor logits);

    /// <param name="weight">(vocab, hidden): the frozen head (or the tied embedding)</param>
    /// <returns>(vocab, hidden): the head with the block's rows replaced (for losses that take the head's weight)</returns>
    Tensor OutputWeight(Tensor weight);
}
