using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Finetune.Torch.IO;

namespace Finetune.Torch.Models;

/// <summary>
/// A Llama <c>config.json</c> (property names as Hugging Face writes them, defaults as its ModelConfig).
/// The original JSON is kept so that saving patches only what changed and keeps every unknown field.
/// </summary>
public sealed class ModelConfig
{
    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    [JsonPropertyName("architectures")] public IReadOnlyList<string>? Architectures { get; set; }
    [JsonPropertyName("model_type")] public string? ModelType { get; set; } = "llama";
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 32000;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 4096;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 11008;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 32;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 32;
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; set; }
    [JsonPropertyName("head_dim")] public int? HeadDimension { get; set; }
    [JsonPropertyName("hidden_act")] public string? HiddenAct { get; set; } = "silu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 2048;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; set; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; set; } = 10000.0;
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; set; }
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; set; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; set; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; }
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; set; } = 1;

    /// <summary>An int or a list of ints, kept in the form the file used.</summary>
    [JsonPropertyName("eos_token_id")] public JsonNode? EosTokenId { get; set; } = 2;

    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; set; }
    [JsonPropertyName("torch_dtype")] public string? TorchDtype { get; set; }

    /// <summary>Newer transformers write <c>dtype</c> instead of <c>torch_dtype</c>.</summary>
    [JsonPropertyName("dtype")] public string? Dtype { get; set; }

    /// <summary>The JSON this config was read from (null when built in code).</summary>
    [JsonIgnore] public JsonObject? Original { get; private set; }

    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;
    [JsonIgnore] public int HeadDim => HeadDimension ?? HiddenSize / NumAttentionHeads;

    [JsonIgnore]
    public IReadOnlyList<int> EosTokenIds => EosTokenId switch
    {
        null => [],
        JsonArray a => a.Select(n => n!.GetValue<int>()).ToArray(),
        var n => [n.GetValue<int>()],
    };

    public static ModelConfig Load(string path)
    {
        JsonObject original;
        ModelConfig config;
        try
        {
            original = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new CheckpointException(path, "config is not a JSON object");
            config = original.Deserialize<ModelConfig>(Json)
                ?? throw new CheckpointException(path, "config is empty");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"config is not a valid Llama config.json ({e.Message.Split('\n')[0]})");
        }
        config.Original = original;
        config.Validate(path);
        return config;
    }

    /// <summary>Writes config.json: the original JSON with changed known fields patched in.</summary>
    public void Save(string path)
    {
        var updated = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        if (Original is null)
        {
            File.WriteAllText(path, updated.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            return;
        }
        // What the original said, as this class reads it: only keys whose value changed since are patched.
        var baseline = JsonSerializer.SerializeToNode(Original.Deserialize<ModelConfig>(Json), Json)!.AsObject();
        var result = (JsonObject)Original.DeepClone();
        foreach (var (key, value) in updated)
            if (!baseline.TryGetPropertyValue(key, out var old) || !JsonNode.DeepEquals(old, value))
                result[key] = value?.DeepClone();
        foreach (var (key, _) in baseline)
            if (!updated.ContainsKey(key)) result.Remove(key);
        File.WriteAllText(path, result.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Refuses settings this model does not implement, naming the file and key.</summary>
    public void Validate(string path)
    {
        CheckpointException Bad(string message) => new(path, message);
        if (ModelType is not null and not "llama")
            throw Bad($"model_type '{ModelType}' is not supported (only 'llama')");
        if (HiddenAct is not null and not "silu")
            throw Bad($"hidden_act '{HiddenAct}' is not supported (only 'silu')");
        if (AttentionBias || MlpBias)
            throw Bad("attention_bias/mlp_bias are not supported");
        if (HiddenSize <= 0 || IntermediateSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0 || VocabSize <= 0)
            throw Bad("hidden_size, intermediate_size, num_hidden_layers, num_attention_heads and vocab_size must be positive");
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw Bad($"num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {KeyValueHeads}");
        if (HeadDimension is null && HiddenSize % NumAttentionHeads != 0)
            throw Bad($"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        if (HeadDim % 2 != 0) throw Bad($"head_dim {HeadDim} is odd; RoPE needs pairs");
        if (RopeScaling is { } s)
        {
            switch (s.Kind)
            {
                case "default":
                    break;
                case "linear" when s.Factor is > 0:
                    break;
                case "llama3" when s is { Factor: > 0, LowFreqFactor: > 0, HighFreqFactor: > 0, OriginalMaxPositionEmbeddings: > 0 }
                                   && s.HighFreqFactor != s.LowFreqFactor:
                    break;
                case "linear" or "llama3":
                    throw Bad($"rope_scaling of type '{s.Kind}' lacks a required value (factor; for llama3 also low_freq_factor, high_freq_factor, original_max_position_embeddings)");
                default:
                    throw Bad($"rope_scaling type '{s.Kind}' is not supported (supported: default, linear, llama3)");
            }
        }
    }
}
