using System.Text.Json.Serialization;

namespace Finetune.Torch.Models;

/// <summary>
/// HF <c>rope_scaling</c>. Types read: <c>default</c>, <c>linear</c> (factor) and <c>llama3</c> (factor,
/// low/high frequency factors, original max positions). Any other type is refused, never dropped.
/// </summary>
public sealed class RopeScaling
{
    [JsonPropertyName("rope_type")] public string? RopeType { get; set; }

    /// <summary>Older configs spell the key <c>type</c>.</summary>
    [JsonPropertyName("type")] public string? Type { get; set; }

    [JsonPropertyName("factor")] public double? Factor { get; set; }
    [JsonPropertyName("low_freq_factor")] public double? LowFreqFactor { get; set; }
    [JsonPropertyName("high_freq_factor")] public double? HighFreqFactor { get; set; }
    [JsonPropertyName("original_max_position_embeddings")] public int? OriginalMaxPositionEmbeddings { get; set; }

    [JsonIgnore] public string Kind => RopeType ?? Type ?? "default";
}
