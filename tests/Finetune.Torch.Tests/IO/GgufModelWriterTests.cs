using Finetune.Testing;
using Finetune.Text.Gguf;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using Finetune.Torch.Tests.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.IO;

public sealed class GgufModelWriterTests
{
    private static (string Path, CausalLM Model) Export(string family, bool tied, GgufType type)
    {
        var config = TinyModels.Config(family, tied) with { HiddenSize = 32, IntermediateSize = 64 };
        var model = TinyModels.Random(config, ScalarType.Float32, seed: 5);
        var path = Path.Combine(TestPaths.NewTempDir(), "m.gguf");
        var state = model.StateNames().ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value);
        GgufWriter.Write(path, GgufModelWriter.Metadata(model.Config, "m", type), GgufModelWriter.Tensors(state, model.Config, type));
        return (path, model);
    }

    [Theory]
    [InlineData("llama", true)]
    [InlineData("llama", false)]
    [InlineData("qwen2", true)]
    [InlineData("qwen3", false)]
    public void F32_export_reloads_bit_for_bit_with_the_same_config(string family, bool tied)
    {
        var (path, model) = Export(family, tied, GgufType.F32);
        using var _ = model;
        using var loaded = CausalLM.Load(path);
        Assert.Equal(tied, loaded.Tied);
        Assert.Equal(model.Config.Family, loaded.Config.Family);
        Assert.Equal((32, 64, 2, 4, 2, 8, 40), (loaded.Config.HiddenSize, loaded.Config.IntermediateSize, loaded.Config.NumHiddenLayers,
            loaded.Config.NumAttentionHeads, loaded.Config.KeyValueHeads, loaded.Config.HeadDim, loaded.Config.VocabSize));
        Assert.Equal(model.Config.RopeTheta, loaded.Config.RopeTheta);
        var original = model.StateNames();
        foreach (var (name, p) in loaded.StateNames())
            Assert.True(original[name].detach().data<float>().ToArray().SequenceEqual(p.detach().data<float>().ToArray()), name);
    }

    [Fact]
    public void Llama_query_rows_are_stored_in_meta_pair_order_and_norms_stay_f32()
    {
        // Hand layout: GGUF row h*hd + 2i + e holds HF row h*hd + e*hd/2 + i (hd 8, 4 heads).
        var (path, model) = Export("llama", true, GgufType.F16);
        using var _ = model;
        var gguf = GgufFile.Read(path);
        Assert.Equal("llama", gguf.Architecture);
        Assert.Equal(1, gguf.GetInteger("general.file_type"));
        Assert.Equal(8, gguf.GetInteger("llama.rope.dimension_count"));
        Assert.Equal(40, gguf.GetInteger("llama.vocab_size"));
        Assert.Equal(GgufType.F32, gguf.FindTensor("blk.0.attn_norm.weight")!.Type);
        Assert.Equal(GgufType.F32, gguf.FindTensor("output_norm.weight")!.Type);
        Assert.Null(gguf.FindTensor("output.weight"));
        var q = gguf.FindTensor("blk.1.attn_q.weight")!;
        Assert.Equal(GgufType.F16, q.Type);
        Assert.Equal(new long[] { 32, 32 }, q.Dimensions);
        var bytes = File.ReadAllBytes(path).AsSpan((int)q.Offset, 32 * 32 * 2);
        var hf = model.StateNames()["model.layers.1.self_attn.q_proj.weight"].detach().data<float>().ToArray();
        for (int h = 0; h < 4; h++)
            for (int i = 0; i < 4; i++)
                for (int e = 0; e < 2; e++)
                {
                    int ggufRow = h * 8 + 2 * i + e, hfRow = h * 8 + e * 4 + i;
                    for (int c = 0; c < 32; c++)
                        Assert.Equal((float)(Half)hf[hfRow * 32 + c], (float)BitConverter.ToHalf(bytes.Slice((ggufRow * 32 + c) * 2, 2)));
                }
    }

    [Fact]
    public void Q8_0_export_reloads_as_the_dequantized_blocks()
    {
        var (path, model) = Export("qwen2", false, GgufType.Q8_0);
        using var _ = model;
        var gguf = GgufFile.Read(path);
        Assert.Equal(7, gguf.GetInteger("general.file_type"));
        Assert.Equal(GgufType.Q8_0, gguf.FindTensor("blk.0.ffn_down.weight")!.Type);
        Assert.Equal(GgufType.F32, gguf.FindTensor("blk.0.attn_q.bias")!.Type);
        using var loaded = CausalLM.Load(path);
        var original = model.StateNames();
        foreach (var (name, p) in loaded.StateNames())
        {
            var x = original[name].detach().data<float>().ToArray();
            if (p.dim() == 2)
            {
                var blocks = new byte[x.Length / 32 * 34];
                GgufQ8.Quantize(x, blocks);
                GgufQ8.Dequantize(blocks, x);
            }
            Assert.True(x.SequenceEqual(p.detach().data<float>().ToArray()), name);
        }
    }

    [Fact]
    public void Unsupported_rope_scaling_is_refused_before_writing()
    {
        var config = TinyModels.Config("qwen2", false) with { RopeScaling = new RopeScaling { RopeType = "linear", Factor = 2 } };
        var e = Assert.Throws<GgufExportException>(() => GgufModelWriter.Check(config, "recipe.yaml"));
        Assert.Equal("recipe.yaml: rope_scaling 'linear' has no qwen2 GGUF equivalent that this exporter writes (llama: linear, llama3; qwen2/qwen3: yarn)", e.Message);
    }

    [Fact]
    public void Llama3_rope_scaling_travels_as_rope_freqs_and_reloads_to_the_same_config_and_logits()
    {
        // TinyModels' llama3 config: factor 8, low/high 1 and 4, original context 8; wavelengths 2π·{1, 10, 100, 1000}
        // put the first in the blended band (divisor 1/((1 - s)/8 + s), s = (8/2π - 1)/3) and the rest at 8.
        var config = TinyModels.Config(tied: true, llama3: true) with { HiddenSize = 32, IntermediateSize = 64 };
        using var model = TinyModels.Random(config, ScalarType.Float32, seed: 9);
        var path = Path.Combine(TestPaths.NewTempDir(), "l3.gguf");
        var state = model.StateNames().ToDictionary(kv => kv.Key, kv => (Tensor)kv.Value);
        GgufWriter.Write(path, GgufModelWriter.Metadata(config, "l3", GgufType.F32), GgufModelWriter.Tensors(state, config, GgufType.F32));

        var gguf = GgufFile.Read(path);
        var freqs = gguf.FindTensor("rope_freqs.weight")!;
        Assert.Equal(new long[] { 4 }, freqs.Dimensions);
        double s = (8 / (2 * Math.PI) - 1) / 3;
        var stored = new float[4];
        Buffer.BlockCopy(File.ReadAllBytes(path), (int)freqs.Offset, stored, 0, 16);
        Assert.Equal((float)(1 / ((1 - s) / 8 + s)), stored[0]);
        Assert.Equal([8f, 8f, 8f], stored[1..]);

        using var loaded = CausalLM.Load(path);
        Assert.Equal(("llama3", 8.0, 1.0, 4.0, 8), (loaded.Config.RopeScaling!.Kind, loaded.Config.RopeScaling.Factor, loaded.Config.RopeScaling.LowFreqFactor,
            loaded.Config.RopeScaling.HighFreqFactor, loaded.Config.RopeScaling.OriginalMaxPositionEmbeddings));
        using var _ = no_grad();
        using var ids = tensor(new long[] { 1, 5, 9, 3, 7, 2, 11, 4, 6, 8, 10, 12 }).unsqueeze(0);
        var diff = (model.forward(ids) - loaded.forward(ids)).abs().max().item<float>();
        Assert.True(diff < 1e-5, $"{diff}");
    }
}
