using System.Text.Json.Nodes;

namespace Finetune.Torch.Models;

/// <summary>
/// What one model family does differently from Llama, and nothing else: the architecture and
/// <c>model_type</c> names, the attention variants (q/k/v biases, per-head q/k RMSNorm, sliding window),
/// the GGUF architecture and its Q/K row order, and the keys (with their defaults) that transformers'
/// config class of that family writes into config.json.
/// </summary>
public sealed record ModelFamily
{
    /// <summary>
    /// transformers 4.56 <c>LlamaConfig.__init__</c>: every argument is an attribute, and <c>to_diff_dict</c>
    /// writes each attribute that <c>PretrainedConfig</c> lacks; <c>num_key_value_heads</c> and
    /// <c>head_dim</c> default to the heads and hidden_size / heads.
    /// </summary>
    public static readonly ModelFamily Llama = new()
    {
        ModelType = "llama",
        Architecture = "LlamaForCausalLM",
        PermutesGgufQueryKey = true,
        ReadsAttentionBias = true,
        ReadsMlpBias = true,
        Defaults = """
            {"vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32,
             "num_attention_heads": 32, "num_key_value_heads": null, "hidden_act": "silu", "max_position_embeddings": 2048,
             "initializer_range": 0.02, "rms_norm_eps": 1e-06, "use_cache": true, "pretraining_tp": 1,
             "rope_theta": 10000.0, "rope_scaling": null, "attention_bias": false, "attention_dropout": 0.0,
             "mlp_bias": false, "head_dim": null, "bos_token_id": 1, "eos_token_id": 2}
            """,
    };

    /// <summary>transformers 4.56 <c>MistralConfig</c>: Llama's layers, 8 KV heads and a 4096-token sliding window by default.</summary>
    public static readonly ModelFamily Mistral = new()
    {
        ModelType = "mistral",
        Architecture = "MistralForCausalLM",
        SlidesEveryLayer = true,
        Defaults = """
            {"vocab_size": 32000, "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32,
             "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": null, "hidden_act": "silu",
             "max_position_embeddings": 131072, "initializer_range": 0.02, "rms_norm_eps": 1e-06, "use_cache": true,
             "rope_theta": 10000.0, "sliding_window": 4096, "attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2}
            """,
    };

    /// <summary>
    /// transformers 4.56 <c>Qwen2Config</c> and <c>Qwen2Attention</c>: q/k/v projections always carry a bias (o_proj
    /// none); the window applies only with <c>use_sliding_window</c>, from layer <c>max_window_layers</c> on.
    /// </summary>
    public static readonly ModelFamily Qwen2 = new()
    {
        ModelType = "qwen2",
        Architecture = "Qwen2ForCausalLM",
        QueryKeyValueBias = true,
        SlidingNeedsSwitch = true,
        Defaults = """
            {"vocab_size": 151936, "hidden_size": 4096, "intermediate_size": 22016, "num_hidden_layers": 32,
             "num_attention_heads": 32, "num_key_value_heads": 32, "hidden_act": "silu", "max_position_embeddings": 32768,
             "initializer_range": 0.02, "rms_norm_eps": 1e-06, "use_cache": true, "rope_theta": 10000.0,
             "rope_scaling": null, "use_sliding_window": false, "sliding_window": 4096, "max_window_layers": 28,
             "layer_types": null, "attention_dropout": 0.0}
            """,
    };

    /// <summary>
    /// transformers 4.56 <c>Qwen3Config</c> and <c>Qwen3Attention</c>: an explicit <c>head_dim</c> (128 by default),
    /// <c>attention_bias</c>, and RMSNorm over each head's dimension on q and k (<c>q_norm</c>, <c>k_norm</c>)
    /// before RoPE. Sliding as Qwen2.
    /// </summary>
    public static readonly ModelFamily Qwen3 = new()
    {
        ModelType = "qwen3",
        Architecture = "Qwen3ForCausalLM",
        QueryKeyNorm = true,
        ReadsAttentionBias = true,
        SlidingNeedsSwitch = true,
        Defaults = """
            {"vocab_size": 151936, "hidden_size": 4096, "intermediate_size": 22016, "num_hidden_layers": 32,
             "num_attention_heads": 32, "num_key_value_heads": 32, "head_dim": 128, "hidden_act": "silu",
             "max_position_embeddings": 32768, "initializer_range": 0.02, "rms_norm_eps": 1e-06, "use_cache": true,
             "rope_theta": 10000.0, "rope_scaling": null, "attention_bias": false, "use_sliding_window": false,
             "sliding_window": 4096, "max_window_layers": 28, "layer_types": null, "attention_dropout": 0.0}
            """,
    };

    public static IReadOnlyList<ModelFamily> All { get; } = [Llama, Mistral, Qwen2, Qwen3];

    /// <summary>"LlamaForCausalLM (llama), ..." for messages.</summary>
    public static string SupportedList => string.Join(", ", All.Select(f => $"{f.Architecture} ({f.ModelType})"));

    /// <summary>config.json's <c>model_type</c>, and GGUF's <c>general.architecture</c>.</summary>
    public required string ModelType { get; init; }

    /// <summary>The transformers class, config.json's <c>architectures[0]</c>.</summary>
    public required string Architecture { get; init; }

    /// <summary>q_proj, k_proj and v_proj always have a bias (o_proj has none), whatever attention_bias says.</summary>
    public bool QueryKeyValueBias { get; init; }

    /// <summary><c>attention_bias</c> gives q/k/v/o projections a bias (Llama, Qwen3; Mistral and Qwen2 ignore the key).</summary>
    public bool ReadsAttentionBias { get; init; }

    /// <summary><c>mlp_bias</c> gives gate/up/down projections a bias (Llama only).</summary>
    public bool ReadsMlpBias { get; init; }

    /// <summary>Per-head RMSNorm of q and k (<c>q_norm</c>, <c>k_norm</c> over head_dim) before RoPE.</summary>
    public bool QueryKeyNorm { get; init; }

    /// <summary>A non-null <c>sliding_window</c> applies to every layer (Mistral).</summary>
    public bool SlidesEveryLayer { get; init; }

    /// <summary><c>sliding_window</c> applies only when <c>use_sliding_window</c> is true (Qwen).</summary>
    public bool SlidingNeedsSwitch { get; init; }

    /// <summary>llama.cpp stores q/k rows of this family in Meta's interleaved RoPE pair order (only llama).</summary>
    public bool PermutesGgufQueryKey { get; init; }

    /// <summary>The config keys this family's transformers class writes, with the class defaults (JSON).</summary>
    public required string Defaults { get; init; }

    public JsonObject DefaultsObject() => JsonNode.Parse(Defaults)!.AsObject();

    public static ModelFamily? FromModelType(string? modelType) => All.FirstOrDefault(f => f.ModelType == modelType);

    public static ModelFamily? FromArchitecture(string? architecture) => All.FirstOrDefault(f => f.Architecture == architecture);
}
