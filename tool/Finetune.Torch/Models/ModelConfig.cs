using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Finetune.Torch.IO;
using static TorchSharp.torch;

namespace Finetune.Torch.Models;

/// <summary>
/// A decoder-only model's <c>config.json</c> (Llama, Mistral, Qwen2, Qwen3; property names as Hugging Face
/// writes them). Immutable: a change is a new config (<c>with</c>). Keys a file leaves out get its
/// family's transformers defaults (<see cref="ModelFamily.Defaults"/>). The JSON read is kept so that
/// saving patches only what changed and keeps every unknown field; a config made in code is written as
/// transformers' <c>save_pretrained</c> writes that family's config.
/// </summary>
public sealed record ModelConfig
{
    /// <summary>Keys without which there is no model to build; a file lacking one is refused naming it.</summary>
    public static readonly IReadOnlyList<string> RequiredKeys = ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads"];

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>Keys whose null is a setting (no scaling, no window, no id), not "the class default".</summary>
    private static readonly HashSet<string> NullMeansNone = ["rope_scaling", "sliding_window", "bos_token_id", "eos_token_id", "pad_token_id"];

    [JsonPropertyName("architectures")] public IReadOnlyList<string>? Architectures { get; init; }
    [JsonPropertyName("model_type")] public string? ModelType { get; init; } = "llama";
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 32000;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 4096;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 11008;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 32;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 32;
    [JsonPropertyName("num_key_value_heads")] public int? NumKeyValueHeads { get; init; }
    [JsonPropertyName("head_dim")] public int? HeadDimension { get; init; }
    [JsonPropertyName("hidden_act")] public string? HiddenAct { get; init; } = "silu";
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 2048;
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; init; } = 1e-6;
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; init; } = 10000.0;
    [JsonPropertyName("rope_scaling")] public RopeScaling? RopeScaling { get; init; }
    [JsonPropertyName("attention_bias")] public bool AttentionBias { get; init; }
    [JsonPropertyName("mlp_bias")] public bool MlpBias { get; init; }
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; init; }

    /// <summary>Mistral: every layer attends to at most this many positions (itself included). Qwen: with <see cref="UseSlidingWindow"/>.</summary>
    [JsonPropertyName("sliding_window")] public int? SlidingWindow { get; init; }

    [JsonPropertyName("use_sliding_window")] public bool? UseSlidingWindow { get; init; }

    /// <summary>Qwen: layers below this index attend fully when sliding is on.</summary>
    [JsonPropertyName("max_window_layers")] public int? MaxWindowLayers { get; init; }

    /// <summary>Qwen: <c>full_attention</c> or <c>sliding_attention</c> per layer (derived when absent).</summary>
    [JsonPropertyName("layer_types")] public IReadOnlyList<string>? LayerTypes { get; init; }

    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; init; } = 1;

    /// <summary>An int or a list of ints, kept in the form the file used.</summary>
    [JsonPropertyName("eos_token_id")] public JsonNode? EosTokenId { get; init; } = 2;

    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; init; }
    [JsonPropertyName("torch_dtype")] public string? TorchDtype { get; init; }

    /// <summary>Newer transformers write <c>dtype</c> instead of <c>torch_dtype</c>.</summary>
    [JsonPropertyName("dtype")] public string? Dtype { get; init; }

    /// <summary>The JSON this config was read from (null when built in code).</summary>
    [JsonIgnore] public JsonObject? Original { get; init; }

    /// <summary>The family <c>model_type</c> names (or, without one, <c>architectures[0]</c>); validated on load.</summary>
    [JsonIgnore]
    public ModelFamily Family => FindFamily() ?? throw new InvalidOperationException($"unsupported model_type '{ModelType}' (supported: {ModelFamily.SupportedList})");

    [JsonIgnore] public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;
    [JsonIgnore] public int HeadDim => HeadDimension ?? HiddenSize / NumAttentionHeads;

    /// <summary>The window in force (null = none): Mistral's <c>sliding_window</c>; Qwen's only with <c>use_sliding_window</c>.</summary>
    [JsonIgnore]
    public int? EffectiveSlidingWindow => Family switch
    {
        { SlidesEveryLayer: true } => SlidingWindow,
        { SlidingNeedsSwitch: true } => UseSlidingWindow == true ? SlidingWindow : null,
        _ => null,
    };

    [JsonIgnore]
    public IReadOnlyList<int> EosTokenIds => EosTokenId switch
    {
        null => [],
        JsonArray a => a.Select(n => n!.GetValue<int>()).ToArray(),
        var n => [n.GetValue<int>()],
    };

    /// <summary>The attention window of <paramref name="layer"/>, as transformers 4.56 builds each family's layers; null = full.</summary>
    public int? WindowOf(int layer)
    {
        if (EffectiveSlidingWindow is not int window) return null;
        if (LayerTypes is { } types) return types[layer] == "sliding_attention" ? window : null;
        return Family.SlidesEveryLayer || layer >= (MaxWindowLayers ?? 28) ? window : null;
    }

    /// <summary>This config with <c>torch_dtype</c> (and <c>dtype</c>, when the file used it) naming <paramref name="dtype"/>.</summary>
    public ModelConfig WithDtype(ScalarType dtype)
    {
        string name = dtype switch
        {
            ScalarType.Float32 => "float32",
            ScalarType.Float16 => "float16",
            ScalarType.BFloat16 => "bfloat16",
            _ => throw new ArgumentException($"no config.json name for {dtype}", nameof(dtype)),
        };
        return this with { TorchDtype = name, Dtype = Dtype is null ? null : name };
    }

    public static ModelConfig Load(string path)
    {
        JsonObject original;
        try
        {
            original = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                ?? throw new CheckpointException(path, "config is not a JSON object");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"config is not valid JSON ({e.Message.Split('\n')[0]})");
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CheckpointException(path, "file not found (a model folder needs its config.json)", e);
        }
        catch (UnauthorizedAccessException e) when (Directory.Exists(path))
        {
            throw new CheckpointException(path, "this is a folder, not a config file", e);
        }
        var config = FromJson(original, path) with { Original = original };
        config.Validate(path);
        return config;
    }

    /// <summary>The config a config.json object describes: its family's defaults, overridden by the file's keys.</summary>
    private static ModelConfig FromJson(JsonObject json, string path)
    {
        string? modelType = json["model_type"] is JsonValue t && t.TryGetValue<string>(out var s) ? s : null;
        string? architecture = json["architectures"] is JsonArray { Count: > 0 } a && a[0] is JsonValue v && v.TryGetValue<string>(out var n) ? n : null;
        var family = Resolve(modelType, architecture, path);
        foreach (var key in RequiredKeys)
            if (json[key] is null)
                throw new CheckpointException(path, $"required field '{key}' is missing");
        var merged = family.DefaultsObject();
        foreach (var (key, value) in merged.ToList())
            if (value is null) merged.Remove(key);
        foreach (var (key, value) in json) merged[key] = value?.DeepClone();
        foreach (var key in NullMeansNone)
            merged.TryAdd(key, null);                                // absent and no family default: none (not Llama's 1 and 2)
        merged["model_type"] = family.ModelType;
        try
        {
            return merged.Deserialize<ModelConfig>(Json) ?? throw new CheckpointException(path, "config is empty");
        }
        catch (JsonException e)
        {
            string field = e.Path is { Length: > 2 } p ? $" at '{p[2..]}'" : "";
            throw new CheckpointException(path, $"config has a value of the wrong type{field} ({e.Message.Split('\n')[0]})");
        }
    }

    private static ModelFamily Resolve(string? modelType, string? architecture, string path)
    {
        // transformers' Auto classes go by model_type; architectures[0] decides only when model_type is absent.
        if (modelType is not null)
            return ModelFamily.FromModelType(modelType)
                ?? throw new CheckpointException(path, $"model_type '{modelType}' is not supported (supported: {ModelFamily.SupportedList})");
        if (architecture is not null)
            return ModelFamily.FromArchitecture(architecture)
                ?? throw new CheckpointException(path, $"architecture '{architecture}' is not supported (supported: {ModelFamily.SupportedList})");
        throw new CheckpointException(path, $"neither model_type nor architectures names the model (supported: {ModelFamily.SupportedList})");
    }

    private ModelFamily? FindFamily() => ModelType is null
        ? ModelFamily.FromArchitecture(Architectures?.FirstOrDefault())
        : ModelFamily.FromModelType(ModelType);

    /// <summary>Writes config.json (see <see cref="ToJson"/>).</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson().ToJsonString(Indented) + "\n");

    /// <summary>
    /// A config read from a file: that JSON with the known fields that changed patched in (unknown keys
    /// kept). A config made in code: the keys transformers' config class of the family writes
    /// (<c>to_diff_dict</c>: every family key, plus the ids and dtype that are set), sorted as
    /// <c>to_json_string</c> sorts them.
    /// </summary>
    public JsonObject ToJson()
    {
        var updated = JsonSerializer.SerializeToNode(this, Json)!.AsObject();
        if (Original is null) return Fresh(updated);
        // What the original said, as this class reads it: only keys whose value changed since are patched.
        var baseline = JsonSerializer.SerializeToNode(FromJson(Original, "config.json"), Json)!.AsObject();
        var result = (JsonObject)Original.DeepClone();
        foreach (var (key, value) in updated)
            if (!baseline.TryGetPropertyValue(key, out var old) || !JsonNode.DeepEquals(old, value))
                result[key] = value?.DeepClone();
        foreach (var (key, _) in baseline)
            if (!updated.ContainsKey(key)) result.Remove(key);
        return result;
    }

    private JsonObject Fresh(JsonObject own)
    {
        var family = Family;
        var values = family.DefaultsObject();
        foreach (var (key, _) in values.ToList())
            values[key] = key switch
            {
                "num_key_value_heads" => KeyValueHeads,
                "head_dim" => HeadDim,
                "sliding_window" when family.SlidingNeedsSwitch => EffectiveSlidingWindow,
                "layer_types" => new JsonArray(Enumerable.Range(0, NumHiddenLayers)
                    .Select(i => (JsonNode)(WindowOf(i) is null ? "full_attention" : "sliding_attention")).ToArray()),
                _ when own.TryGetPropertyValue(key, out var mine) => mine?.DeepClone(),
                _ when NullMeansNone.Contains(key) => null,      // none set: written as null, as transformers does
                _ => values[key]?.DeepClone(),                    // not set, or no property for it: the class default
            };
        foreach (var (key, value) in own)
            if (!values.ContainsKey(key) && value is not null && !(value is JsonValue b && b.TryGetValue<bool>(out var flag) && !flag))
                values[key] = value.DeepClone();
        values["tie_word_embeddings"] = TieWordEmbeddings;
        values["model_type"] = family.ModelType;
        values["architectures"] = new JsonArray(Architectures?.Select(a => (JsonNode)a).ToArray() ?? [family.Architecture]);
        var sorted = new JsonObject();
        foreach (var (key, value) in values.OrderBy(kv => kv.Key, StringComparer.Ordinal)) sorted[key] = value?.DeepClone();
        return sorted;
    }


    /// <summary>Refuses settings this model does not implement, naming the file and key.</summary>
    public void Validate(string path)
    {
        CheckpointException Bad(string message) => new(path, message);
        var family = FindFamily() ?? throw Bad($"model_type '{ModelType}' is not supported (supported: {ModelFamily.SupportedList})");
        if (HiddenAct is not null and not "silu")
            throw Bad($"hidden_act '{HiddenAct}' is not supported (only 'silu')");
        if (HiddenSize <= 0 || IntermediateSize <= 0 || NumHiddenLayers <= 0 || NumAttentionHeads <= 0 || VocabSize <= 0 || KeyValueHeads <= 0)
            throw Bad("hidden_size, intermediate_size, num_hidden_layers, num_attention_heads, num_key_value_heads and vocab_size must be positive");
        if (NumAttentionHeads % KeyValueHeads != 0)
            throw Bad($"num_attention_heads {NumAttentionHeads} is not a multiple of num_key_value_heads {KeyValueHeads}");
        if (HeadDimension is null && HiddenSize % NumAttentionHeads != 0)
            throw Bad($"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}");
        if (HeadDim <= 0 || HeadDim % 2 != 0) throw Bad($"head_dim {HeadDim} must be positive and even; RoPE needs pairs");
        if (RmsNormEps <= 0) throw Bad($"rms_norm_eps {RmsNormEps} must be positive");
        if (RopeTheta <= 0) throw Bad($"rope_theta {RopeTheta} must be positive");
        if (EffectiveSlidingWindow is <= 0) throw Bad($"sliding_window {SlidingWindow} must be positive");
        if (family.SlidingNeedsSwitch && LayerTypes is { } types)
        {
            if (types.Count != NumHiddenLayers)
                throw Bad($"layer_types has {types.Count} entries for {NumHiddenLayers} layers");
            if (types.FirstOrDefault(t => t is not ("full_attention" or "sliding_attention")) is { } odd)
                throw Bad($"layer_types entry '{odd}' is not supported (full_attention, sliding_attention)");
        }
        if (RopeScaling is { } s) ValidateRopeScaling(s, Bad);
    }

    private void ValidateRopeScaling(RopeScaling s, Func<string, CheckpointException> bad)
    {
        bool ok = s.Kind switch
        {
            "default" => true,
            "linear" or "dynamic" => s.Factor is > 0,
            "yarn" => s.Factor is > 0 && s.OriginalMaxPositionEmbeddings is null or > 0,
            "llama3" => s is { Factor: > 0, LowFreqFactor: > 0, HighFreqFactor: > 0, OriginalMaxPositionEmbeddings: > 0 } && s.HighFreqFactor != s.LowFreqFactor,
            _ => throw bad($"rope_scaling type '{s.Kind}' is not supported (supported: {string.Join(", ", RopeScaling.Supported)})"),
        };
        if (!ok)
            throw bad($"rope_scaling of type '{s.Kind}' lacks a required value (factor > 0; llama3 also low_freq_factor, high_freq_factor (different), original_max_position_embeddings)");
        if (s.Kind == "dynamic" && HeadDim <= 2)
            throw bad($"rope_scaling 'dynamic' needs head_dim above 2, not {HeadDim}");
    }
}
