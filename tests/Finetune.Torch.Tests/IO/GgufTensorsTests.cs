using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.IO;

public sealed class GgufTensorsTests
{
    [Fact]
    public void Q_rows_go_from_meta_pairs_to_rotate_half_halves()
    {
        // 2 heads of head_dim 4, rows numbered by (head, pair, member): GGUF order is h0:(p0a p0b p1a p1b), h1:(...).
        // rotate_half wants per head the first members of every pair, then the second members.
        var config = new ModelConfig { HiddenSize = 8, NumAttentionHeads = 2, NumKeyValueHeads = 1, IntermediateSize = 4, NumHiddenLayers = 1, VocabSize = 4 };
        using var rows = arange(0, 8, ScalarType.Float32).unsqueeze(1).expand(8, 8).contiguous();
        var (name, q) = GgufTensors.ToHuggingFace("blk.0.attn_q.weight", rows, config, "x.gguf");
        Assert.Equal("model.layers.0.self_attn.q_proj.weight", name);
        Assert.Equal(new float[] { 0, 2, 1, 3, 4, 6, 5, 7 }, q.select(1, 0).data<float>().ToArray());

        using var kRows = arange(0, 4, ScalarType.Float32).unsqueeze(1).expand(4, 8).contiguous();
        var (kName, k) = GgufTensors.ToHuggingFace("blk.0.attn_k.weight", kRows, config, "x.gguf");
        Assert.Equal("model.layers.0.self_attn.k_proj.weight", kName);
        Assert.Equal(new float[] { 0, 2, 1, 3 }, k.select(1, 0).data<float>().ToArray());
    }

    [Fact]
    public void Stories260K_config_and_names_come_from_gguf_metadata()
    {
        using var source = GgufTensors.Open(TestPaths.Reference("models", "stories260K.gguf"));
        var c = source.Config;
        // README: embedding 64, ffn 172, 5 blocks, 8 heads, 4 kv heads, eps 1e-5, no freq_base (10000), 512 tokens, untied.
        Assert.Equal((64, 172, 5, 8, 4, 8, 512), (c.HiddenSize, c.IntermediateSize, c.NumHiddenLayers, c.NumAttentionHeads, c.KeyValueHeads, c.HeadDim, c.VocabSize));
        Assert.Equal(1e-5, c.RmsNormEps, 1e-12);
        Assert.Equal(10000, c.RopeTheta);
        Assert.False(c.TieWordEmbeddings);
        Assert.Equal(1, c.BosTokenId);
        Assert.Equal([2], c.EosTokenIds);
        Assert.Equal(48, source.Names.Count);
        Assert.Equal(new long[] { 512, 64 }, source.ShapeOf("lm_head.weight"));
        Assert.Equal(new long[] { 32, 64 }, source.ShapeOf("model.layers.4.self_attn.k_proj.weight"));
        Assert.Equal(new long[] { 64, 172 }, source.ShapeOf("model.layers.0.mlp.down_proj.weight"));
    }

    [Fact]
    public void Stories260K_config_saves_as_a_complete_hugging_face_config_json()
    {
        using var source = GgufTensors.Open(TestPaths.Reference("models", "stories260K.gguf"));
        var path = Path.Combine(TestPaths.NewTempDir(), "config.json");
        source.Config.Save(path);
        var saved = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        // The README's metadata under HF's names, plus what transformers 4.56's LlamaConfig writes by default.
        var expected = JsonNode.Parse("""
            {
              "architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 512, "hidden_size": 64,
              "intermediate_size": 172, "num_hidden_layers": 5, "num_attention_heads": 8, "num_key_value_heads": 4,
              "head_dim": 8, "hidden_act": "silu", "max_position_embeddings": 2048, "rms_norm_eps": 1E-05,
              "rope_theta": 10000, "attention_bias": false, "mlp_bias": false, "tie_word_embeddings": false,
              "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32",
              "attention_dropout": 0.0, "initializer_range": 0.02, "pretraining_tp": 1, "rope_scaling": null, "use_cache": true
            }
            """)!;
        var differing = expected.AsObject().Select(kv => kv.Key).Union(saved.Select(kv => kv.Key))
            .Where(k => !JsonNode.DeepEquals(expected[k], saved[k])).Select(k => $"{k}: {expected[k]?.ToJsonString()} vs {saved[k]?.ToJsonString()}");
        Assert.Empty(differing);
        Assert.Equal(1e-5, ModelConfig.Load(path).RmsNormEps); // the decimal the float32 metadata was written from
    }
}
