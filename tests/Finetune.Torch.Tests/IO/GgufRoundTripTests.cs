using System.Text;
using Finetune.Testing;
using Finetune.Torch.Models;
using Finetune.Torch.Tests.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.IO;

public sealed class GgufRoundTripTests
{
    private static readonly Dictionary<string, string> Parts = new()
    {
        ["self_attn.q_proj"] = "attn_q", ["self_attn.k_proj"] = "attn_k", ["self_attn.v_proj"] = "attn_v",
        ["self_attn.o_proj"] = "attn_output", ["mlp.gate_proj"] = "ffn_gate", ["mlp.up_proj"] = "ffn_up",
        ["mlp.down_proj"] = "ffn_down", ["input_layernorm"] = "attn_norm", ["post_attention_layernorm"] = "ffn_norm",
        ["self_attn.q_norm"] = "attn_q_norm", ["self_attn.k_norm"] = "attn_k_norm",
    };

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 1)]
    [InlineData(false, 30)]
    public void F16_and_bf16_gguf_written_as_llama_cpp_does_loads_as_the_hf_model(bool tied, int ggufType)
    {
        // llama.cpp's converter stores HF q/k rows in Meta pair order: view(n_head, 2, hd/2, in).transpose(1, 2).
        var config = TinyModels.Config(tied, llama3: false);
        using var model = TinyModels.Random(config, ScalarType.Float32, seed: 21);
        var storage = ggufType == 1 ? ScalarType.Float16 : ScalarType.BFloat16;
        var tensors = new List<(string, Tensor)>();
        foreach (var (name, p) in model.named_parameters())
        {
            var w = p.detach().to_type(storage);
            if (name.Contains("q_proj")) w = ToMetaPairs(w, config.NumAttentionHeads, config.HeadDim);
            if (name.Contains("k_proj")) w = ToMetaPairs(w, config.KeyValueHeads, config.HeadDim);
            tensors.Add((GgufName(name), w));
        }
        var path = Path.Combine(TestPaths.NewTempDir(), "tiny.gguf");
        File.WriteAllBytes(path, Gguf("llama", config, tensors, (uint)ggufType));

        using var loaded = CausalLM.Load(path);
        Assert.Equal(tied, loaded.Tied);
        Assert.Equal(storage == ScalarType.BFloat16 ? ScalarType.BFloat16 : ScalarType.Float32, loaded.DType);
        Assert.Equal((16, 24, 2, 4, 2, 8, 40), (loaded.Config.HiddenSize, loaded.Config.IntermediateSize, loaded.Config.NumHiddenLayers,
            loaded.Config.NumAttentionHeads, loaded.Config.KeyValueHeads, loaded.Config.HeadDim, loaded.Config.VocabSize));
        var original = model.StateNames();
        foreach (var (name, p) in loaded.StateNames())
        {
            using var expected = original[name].detach().to_type(storage).to_type(ScalarType.Float32);
            using var actual = p.detach().to_type(ScalarType.Float32);
            Assert.True(actual.data<float>().ToArray().SequenceEqual(expected.data<float>().ToArray()), name);
        }
    }

    /// <summary>llama.cpp's Qwen2Model/Qwen3Model converters map names only: q/k rows (and biases) stay in HF order.</summary>
    [Theory]
    [InlineData("qwen2", false, 1)]
    [InlineData("qwen2", true, 30)]
    [InlineData("qwen3", true, 1)]
    [InlineData("qwen3", false, 30)]
    public void Qwen_gguf_loads_unpermuted_with_biases_and_norms(string family, bool tied, int ggufType)
    {
        var config = TinyModels.Config(family, tied);
        using var model = TinyModels.Random(config, ScalarType.Float32, seed: 23);
        var storage = ggufType == 1 ? ScalarType.Float16 : ScalarType.BFloat16;
        var tensors = model.named_parameters().Select(p => (GgufName(p.name), p.parameter.detach().to_type(storage))).ToList();
        var path = Path.Combine(TestPaths.NewTempDir(), "tiny.gguf");
        File.WriteAllBytes(path, Gguf(family, config, tensors, (uint)ggufType));

        using var loaded = CausalLM.Load(path);
        Assert.Equal(family, loaded.Config.ModelType);
        Assert.Equal(tied, loaded.Tied);
        Assert.Equal((16, 24, 2, 4, 2, 8, 40, 1e6), (loaded.Config.HiddenSize, loaded.Config.IntermediateSize, loaded.Config.NumHiddenLayers,
            loaded.Config.NumAttentionHeads, loaded.Config.KeyValueHeads, loaded.Config.HeadDim, loaded.Config.VocabSize, loaded.Config.RopeTheta));
        var original = model.StateNames();
        Assert.Equal(original.Keys.Order(StringComparer.Ordinal), loaded.StateNames().Keys.Order(StringComparer.Ordinal));
        foreach (var (name, p) in loaded.StateNames())
        {
            using var expected = original[name].detach().to_type(storage).to_type(ScalarType.Float32);
            using var actual = p.detach().to_type(ScalarType.Float32);
            Assert.True(actual.data<float>().ToArray().SequenceEqual(expected.data<float>().ToArray()), name);
        }
        var saved = Path.Combine(TestPaths.NewTempDir(), "config.json");
        loaded.Config.Save(saved);
        Assert.Equal(family, ModelConfig.Load(saved).Family.ModelType);
    }

    [Fact]
    public void Mistral_is_not_a_gguf_architecture_of_its_own()
    {
        var config = TinyModels.Config("llama", tied: true);
        using var model = TinyModels.Random(config, ScalarType.Float32, seed: 1);
        var path = Path.Combine(TestPaths.NewTempDir(), "m.gguf");
        File.WriteAllBytes(path, Gguf("mistral", config, model.named_parameters().Select(p => (GgufName(p.name), p.parameter.detach().to_type(ScalarType.Float16))).ToList(), 1));
        var e = Assert.Throws<Finetune.Torch.IO.CheckpointException>(() => CausalLM.Load(path));
        Assert.Equal($"{path}: general.architecture is 'mistral'; supported: llama, qwen2, qwen3", e.Message);
    }

    private static Tensor ToMetaPairs(Tensor w, int heads, int headDim) =>
        w.view(heads, 2, headDim / 2, w.shape[1]).transpose(1, 2).reshape(w.shape[0], w.shape[1]).contiguous();

    private static string GgufName(string hf) => hf switch
    {
        "model.embed_tokens.weight" => "token_embd.weight",
        "model.norm.weight" => "output_norm.weight",
        "lm_head.weight" => "output.weight",
        _ => hf.Split('.') is var s ? $"blk.{s[2]}.{Parts[string.Join('.', s[3..^1])]}.{s[^1]}" : "",
    };

    /// <summary>GGUF v3: metadata under <paramref name="arch"/> as llama.cpp's converter names it, then each tensor's data aligned to 32 bytes (ne = torch shape reversed).</summary>
    private static byte[] Gguf(string arch, ModelConfig c, List<(string Name, Tensor Data)> tensors, uint type)
    {
        var s = new MemoryStream();
        var w = new BinaryWriter(s);
        void Str(string v) { var b = Encoding.UTF8.GetBytes(v); w.Write((ulong)b.Length); w.Write(b); }
        void U32(string key, int v) { Str($"{arch}.{key}"); w.Write(4u); w.Write((uint)v); }
        void F32(string key, float v) { Str($"{arch}.{key}"); w.Write(6u); w.Write(v); }
        w.Write("GGUF"u8.ToArray());
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        w.Write(11UL);
        Str("general.architecture"); w.Write(8u); Str(arch);
        U32("context_length", c.MaxPositionEmbeddings);
        U32("embedding_length", c.HiddenSize);
        U32("feed_forward_length", c.IntermediateSize);
        U32("block_count", c.NumHiddenLayers);
        U32("attention.head_count", c.NumAttentionHeads);
        U32("attention.head_count_kv", c.KeyValueHeads);
        U32("attention.key_length", c.HeadDim);
        U32("vocab_size", c.VocabSize);
        F32("attention.layer_norm_rms_epsilon", (float)c.RmsNormEps);
        F32("rope.freq_base", (float)c.RopeTheta);
        ulong offset = 0;
        foreach (var (name, data) in tensors)
        {
            Str(name);
            w.Write((uint)data.dim());
            foreach (long d in data.shape.Reverse()) w.Write((ulong)d);
            w.Write(type);
            w.Write(offset);
            offset += (ulong)((data.numel() * 2 + 31) / 32 * 32);
        }
        while (s.Length % 32 != 0) w.Write((byte)0);
        foreach (var (_, data) in tensors)
        {
            w.Write(data.bytes);
            while (s.Length % 32 != 0) w.Write((byte)0);
        }
        return s.ToArray();
    }
}
