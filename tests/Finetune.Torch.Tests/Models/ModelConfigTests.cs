using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Torch.Models;

namespace Finetune.Torch.Tests.Models;

public sealed class LlamaConfigTests
{
    // Shape of meta-llama/Llama-3.2-1B-Instruct's config.json (values as published), plus an unknown key.
    private const string Llama32 = """
        {
          "architectures": ["CausalLM"],
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
        var config = Load(Llama32);
        config.VocabSize = 128320;
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
        var config = Load("""{"hidden_size": 64, "num_attention_heads": 8, "num_key_value_heads": 4, "intermediate_size": 172, "num_hidden_layers": 5, "vocab_size": 512, "eos_token_id": 2}""");
        Assert.Equal(8, config.HeadDim);
        Assert.Equal([2], config.EosTokenIds);
    }

    [Fact]
    public void Llama3_inverse_frequencies_follow_the_three_bands()
    {
        // head_dim 8, θ 10000: base frequencies 1, 0.1, 0.01, 0.001 (wavelengths 2π·1e0..1e3).
        // original 8, low 1, high 4, factor 8: 2π < 8 and > 2 → smoothed, s = (8/2π − 1)/3; the rest / 8.
        var config = TinyLlama.Config(tied: true, llama3: true);
        var f = Rope.InverseFrequencies(config);
        double s = (8 / (2 * Math.PI) - 1) / 3;
        Assert.Equal((1 - s) / 8 + s, f[0], 1e-6);
        Assert.Equal(0.1 / 8, f[1], 1e-7);
        Assert.Equal(0.01 / 8, f[2], 1e-8);
        Assert.Equal(0.001 / 8, f[3], 1e-9);
    }

    private static ModelConfig Load(string json)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "config.json");
        File.WriteAllText(path, json);
        return ModelConfig.Load(path);
    }
}
