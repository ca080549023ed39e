using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary><c>train.lora:</c> the low-rank adapters of <c>method: lora</c>.</summary>
public sealed record LoraSection
{
    /// <summary>Rank r of each A (r x in) / B (out x r) pair.</summary>
    [RecipeRange(Min = 1)]
    [Description("Rank of each low-rank pair (>= 1).")]
    public int Rank { get; init; } = 16;

    /// <summary>Scaling numerator: the update is alpha / rank x B A.</summary>
    [RecipeRange(Min = 0, MinExclusive = true)]
    [Description("LoRA alpha (> 0): the update is alpha / rank * B A.")]
    public double Alpha { get; init; } = 32;

    /// <summary>Dropout on the adapters' input while training.</summary>
    [RecipeRange(Min = 0, Max = 1, MaxExclusive = true)]
    [Description("Dropout on the adapters' input while training, in [0, 1).")]
    public double Dropout { get; init; } = 0.05;

    /// <summary>Projections that get a pair.</summary>
    [Description("Projections that get a pair: q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj, or all-linear (all of them).")]
    public IReadOnlyList<LoraTarget> Targets { get; init; } = [LoraTarget.AllLinear];

    /// <summary>Whether the added tokens' rows train.</summary>
    [Description("The added tokens' rows: train (only those rows of the frozen matrices train; one set when the head is tied) or frozen (they keep their seeded values).")]
    public LoraNewRows NewRows { get; init; } = LoraNewRows.Train;
}
