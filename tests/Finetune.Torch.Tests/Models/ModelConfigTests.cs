using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Torch.IO;
using Finetune.Torch.Models;

namespace Finetune.Torch.Tests.Models;

public sealed class ModelConfigTests
{
    // Shape of meta-llama/Llama-3.2-1B-Instruct's config.json (values as published), plus an unknown key.
    private const string Llama32 = """
        {
          "architectures": ["LlamaForCausalLM"],
          "attention_bias": false,
          "bos_token_id": 128000,
          "eos_token_id": [128001, 128008, 128009],
          "head_dim": 64,
          "hidden_act": "silu",
          "hidden_size": 2048,
          "intermediate_size": 8192,
          "max_position_embeddings": 131072,
          "model_type": "llama",
          "num_attention_heads": 32,
          "num_hidden_layers": 16,
          "num_key_value_heads": 8,
          "rms_norm_eps": 1e-05,
          "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"},
          "rope_theta": 500000.0,
          "tie_word_embeddings": true,
          "torch_dtype": "bfloat16",
          "transformers_version": "4.45.0.dev0",
          "vocab_size": 128256,
          "some_future_key": {"kept": true}
        }
        """;

    [Fact]
    public void Reads_llama_3_2_config_with_eos_list_and_llama3_rope()
    {
        var config = Load(Llama32);
        Assert.Equal(8, config.KeyValueHeads);
        Assert.Equal(64, config.HeadDim);
        Assert.Equal([128001, 128008, 128009], config.EosTokenIds);
        Assert.Equal("llama3", config.RopeScaling!.Kind);
        Assert.Equal(32.0, config.RopeScaling.Factor);
        Assert.True(config.TieWordEmbeddings);
    }

    [Fact]
    public void Save_patches_vocab_size_and_keeps_everything_else_as_written()
    {
        var config = Load(Llama32) with { VocabSize = 128320 };
        var path = Path.Combine(TestPaths.NewTempDir(), "config.json");
        config.Save(path);
        var saved = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        var original = JsonNode.Parse(Llama32)!.AsObject();
        Assert.Equal(128320, saved["vocab_size"]!.GetValue<int>());
        original["vocab_size"] = 128320;
        Assert.True(JsonNode.DeepEquals(original, saved), saved.ToJsonString());
    }

    [Fact]
    public void Head_dim_defaults_to_hidden_over_heads_and_eos_may_be_an_int()
    {
        var config = Load("""{"model_type": "llama", "hidden_size": 64, "num_attention_heads": 8, "num_key_value_heads": 4, "intermediate_size": 172, "num_hidden_layers": 5, "vocab_size": 512, "eos_token_id": 2}""");
        Assert.Equal(8, config.HeadDim);
        Assert.Equal([2], config.EosTokenIds);
    }

    [Fact]
    public void Llama3_inverse_frequencies_follow_the_three_bands()
    {
        // head_dim 8, θ 10000: base frequencies 1, 0.1, 0.01, 0.001 (wavelengths 2π·1e0..1e3).
        // original 8, low 1, high 4, factor 8: 2π < 8 and > 2 → smoothed, s = (8/2π − 1)/3; the rest / 8.
        var config = TinyModels.Config(tied: true, llama3: true);
        var f = Rope.InverseFrequencies(config);
        double s = (8 / (2 * Math.PI) - 1) / 3;
        Assert.Equal((1 - s) / 8 + s, f[0], 1e-6);
        Assert.Equal(0.1 / 8, f[1], 1e-7);
        Assert.Equal(0.01 / 8, f[2], 1e-8);
        Assert.Equal(0.001 / 8, f[3], 1e-9);
    }

    [Fact]
    public void Qwen3_config_json_as_published_reads_with_its_family_and_keeps_its_keys()
    {
        // Qwen/Qwen3-0.6B config.json (transformers 4.51), as published.
        const string qwen3 = """
            {"architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0, "bos_token_id": 151643,
             "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu", "hidden_size": 1024, "initializer_range": 0.02,
             "intermediate_size": 3072, "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
             "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8, "rms_norm_eps": 1e-06,
             "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null, "tie_word_embeddings": true,
             "torch_dtype": "bfloat16", "transformers_version": "4.51.0", "use_cache": true, "use_sliding_window": false,
             "vocab_size": 151936}
            """;
        var config = Load(qwen3);
        Assert.Same(ModelFamily.Qwen3, config.Family);
        Assert.Equal((128, 8, 1e6), (config.HeadDim, config.KeyValueHeads, config.RopeTheta));
        Assert.Null(config.WindowOf(27));
        var path = Path.Combine(TestPaths.NewTempDir(), "config.json");
        (config with { VocabSize = 151940 }).Save(path);
        var expected = JsonNode.Parse(qwen3)!.AsObject();
        expected["vocab_size"] = 151940;
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(File.ReadAllText(path))), File.ReadAllText(path));
    }

    [Fact]
    public void Keys_a_family_file_leaves_out_take_that_familys_transformers_defaults()
    {
        const string bare = """{"hidden_size": 256, "num_attention_heads": 32, "intermediate_size": 96, "num_hidden_layers": 2, "vocab_size": 100""";
        var qwen3 = Load(bare + """, "model_type": "qwen3"}""");
        Assert.Equal((128, 32, 32768, 1e-6), (qwen3.HeadDim, qwen3.KeyValueHeads, qwen3.MaxPositionEmbeddings, qwen3.RmsNormEps));
        Assert.Null(qwen3.BosTokenId);
        var mistral = Load(bare + """, "architectures": ["MistralForCausalLM"]}""");
        Assert.Equal((8, 8, 131072, 4096), (mistral.HeadDim, mistral.KeyValueHeads, mistral.MaxPositionEmbeddings, mistral.EffectiveSlidingWindow));
        var qwen2 = Load(bare + """, "model_type": "qwen2", "sliding_window": 32768}""");
        Assert.Null(qwen2.EffectiveSlidingWindow);                           // use_sliding_window defaults to false
        var llama = Load(bare + """, "model_type": "llama"}""");
        Assert.Equal((8, 32, 2048, 1), (llama.HeadDim, llama.KeyValueHeads, llama.MaxPositionEmbeddings, llama.BosTokenId));
    }

    [Theory]
    [InlineData("""{"model_type": "gemma2"}""", "model_type 'gemma2' is not supported (supported: LlamaForCausalLM (llama), MistralForCausalLM (mistral), Qwen2ForCausalLM (qwen2), Qwen3ForCausalLM (qwen3))")]
    [InlineData("""{"architectures": ["PhiForCausalLM"]}""", "architecture 'PhiForCausalLM' is not supported (supported: LlamaForCausalLM (llama), MistralForCausalLM (mistral), Qwen2ForCausalLM (qwen2), Qwen3ForCausalLM (qwen3))")]
    [InlineData("""{"hidden_size": 64}""", "neither model_type nor architectures names the model (supported: LlamaForCausalLM (llama), MistralForCausalLM (mistral), Qwen2ForCausalLM (qwen2), Qwen3ForCausalLM (qwen3))")]
    [InlineData("""{"model_type": "qwen2", "vocab_size": 10, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2}""", "required field 'hidden_size' is missing")]
    [InlineData("""{"model_type": "llama", "hidden_size": "big", "vocab_size": 10, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2}""", "config has a value of the wrong type at 'hidden_size'")]
    [InlineData("""{"model_type": "llama", "hidden_size": 8, "vocab_size": 10, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "rope_scaling": {"rope_type": "longrope", "factor": 2}}""", "rope_scaling type 'longrope' is not supported (supported: default, linear, dynamic, yarn, llama3)")]
    [InlineData("""{"model_type": "llama", "hidden_size": 8, "vocab_size": 10, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "rope_scaling": {"type": "dynamic"}}""", "rope_scaling of type 'dynamic' lacks a required value")]
    public void Bad_config_is_one_line_naming_the_file_and_the_field(string json, string message)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "config.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<CheckpointException>(() => ModelConfig.Load(path));
        Assert.StartsWith($"{path}: {message}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static ModelConfig Load(string json)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "config.json");
        File.WriteAllText(path, json);
        return ModelConfig.Load(path);
    }
}
