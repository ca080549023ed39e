using System.Text.Json.Serialization;

namespace Finetune.Torch.Models;

/// <summary>
/// HF <c>rope_scaling</c>. Types read: <c>default</c>, <c>linear</c>, <c>dynamic</c>, <c>yarn</c> and
/// <c>llama3</c>, with the fields transformers' <c>modeling_rope_utils</c> reads for them. Any other type
/// (e.g. <c>longrope</c>) is refused by <see cref="ModelConfig.Validate"/>, never dropped.
/// </summary>
public sealed record RopeScaling
{
    public static readonly IReadOnlyList<string> Supported = ["default", "linear", "dynamic", "yarn", "llama3"];

    [JsonPropertyName("rope_type")] public string? RopeType { get; init; }

    /// <summary>Older configs spell the key <c>type</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; init; }

    [JsonPropertyName("factor")] public double? Factor { get; init; }

    /// <summary>llama3.</summary>
    [JsonPropertyName("low_freq_factor")] public double? LowFreqFactor { get; init; }

    /// <summary>llama3.</summary>
    [JsonPropertyName("high_freq_factor")] public double? HighFreqFactor { get; init; }

    /// <summary>llama3 (required); yarn (optional: then the factor is max_position_embeddings over it).</summary>
    [JsonPropertyName("original_max_position_embeddings")] public int? OriginalMaxPositionEmbeddings { get; init; }

    /// <summary>yarn: the cos/sin scale; default from the factor (and mscale, mscale_all_dim).</summary>
    [JsonPropertyName("attention_factor")] public double? AttentionFactor { get; init; }

    [JsonPropertyName("beta_fast")] public double? BetaFast { get; init; }
    [JsonPropertyName("beta_slow")] public double? BetaSlow { get; init; }
    [JsonPropertyName("mscale")] public double? Mscale { get; init; }
    [JsonPropertyName("mscale_all_dim")] public double? MscaleAllDim { get; init; }

    /// <summary>yarn: round the correction range to whole dimensions (default true).</summary>
    [JsonPropertyName("truncate")] public bool? Truncate { get; init; }

    [JsonIgnore] public string Kind => RopeType ?? Type ?? "default";
}
