namespace Finetune.Pipeline.Mapping;

/// <summary>
/// A rendered, tokenized conversation. <see cref="Mask"/>[i] is 1 when token i is a training target
/// (predicted from position i - 1), so <c>Mask[0]</c> is always 0.
/// </summary>
public sealed record TokenizedConversation(string Text, int[] Ids, byte[] Mask)
{
    public int LossTokens => Mask.Count(m => m != 0);

    /// <summary>The first <paramref name="maxTokens"/> tokens (this conversation when it is not longer).</summary>
    public TokenizedConversation Truncate(int maxTokens) =>
        Ids.Length <= maxTokens ? this : this with { Ids = Ids[..maxTokens], Mask = Mask[..maxTokens] };
}
