namespace Finetune.Torch.Inference;

/// <summary>How <see cref="Generator"/> continues a prompt. Temperature 0 = greedy.</summary>
public sealed record GenerationOptions
{
    public int MaxNewTokens { get; init; } = 128;

    /// <summary>0 picks the most likely token; above 0 samples from softmax(logits / temperature).</summary>
    public double Temperature { get; init; }

    /// <summary>Nucleus sampling: keep the smallest set of tokens whose probability reaches this (1 = all).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>Seed of the sampling generator (null: a fixed default of 0, so runs repeat).</summary>
    public long? Seed { get; init; }

    /// <summary>Stop after producing any of these (the stop token is included in the output).</summary>
    public IReadOnlyCollection<int> EosTokenIds { get; init; } = [];

    /// <summary>Reuse keys/values of past positions (false recomputes the whole sequence each step).</summary>
    public bool UseCache { get; init; } = true;
}
