using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary><c>seed:</c> how the rows of new tokens are initialised.</summary>
public sealed record SeedSection
{
    /// <summary>Initialisation strategy for every new token without an override.</summary>
    [Description("Initialisation of new rows: copy (the row of `from`), mean, mean_cov (mean and covariance of existing rows), subword_mean (mean of the sub-tokens the token's text encoded to), normal, zeros.")]
    public SeedStrategy Strategy { get; init; } = SeedStrategy.Mean;

    /// <summary>The existing token whose row is copied (strategy copy).</summary>
    [Description("The existing token whose row is copied; required by strategy copy, not allowed otherwise.")]
    public string? From { get; init; }

    /// <summary>Per new token, an existing token to copy from instead of the strategy.</summary>
    [Description("Per-token overrides: new token -> existing token whose row it copies, whatever the strategy. Keys must be in tokens.add.")]
    public IReadOnlyDictionary<string, string> Overrides { get; init; } = new Dictionary<string, string>();

    /// <summary>Which matrices get seeded rows.</summary>
    [Description("Which matrices get seeded rows: input (embed_tokens) and/or output (lm_head; ignored when tied).")]
    public IReadOnlyList<SeedMatrix> Rows { get; init; } = [SeedMatrix.Input, SeedMatrix.Output];

    /// <summary>A text whose next-token probabilities of the new tokens are reported before and after seeding.</summary>
    [Description("A prompt; the probability of each new token after it is reported before and after seeding. null: no probe.")]
    public string? Probe { get; init; }

    /// <summary>Random seed of the stochastic strategies.</summary>
    [RecipeRange(Min = 0)]
    [Description("Random seed for mean_cov and normal.")]
    public int RandomSeed { get; init; } = 42;
}
