using Finetune.Testing;
using Finetune.Torch.IO;
using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

public sealed class RoundTripTests
{
    private static readonly int[] Ids = [1, 5, 9, 33, 2, 17, 17, 39, 0, 12, 8];

    [Theory]
    [InlineData("F32", false, false)]
    [InlineData("F32", true, false)]
    [InlineData("F32", false, true)]
    [InlineData("F32", true, true)]
    [InlineData("BF16", false, false)]
    [InlineData("BF16", true, false)]
    [InlineData("BF16", false, true)]
    [InlineData("BF16", true, true)]
    public void Tiny_model_round_trips_bit_exactly_and_matches_a_naive_float64_forward(string stored, bool tied, bool llama3)
    {
        var dtype = stored == "F32" ? ScalarType.Float32 : ScalarType.BFloat16;
        var folder = TestPaths.NewTempDir();
        using var original = TinyModels.Random(TinyModels.Config(tied, llama3), dtype, seed: 11);
        original.SaveHuggingFace(folder);

        using (var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors")))
        {
            Assert.Equal("pt", file.Metadata["format"]);
            Assert.All(file.Entries.Values, e => Assert.Equal(stored, e.DType));
            Assert.Equal(tied ? 20 : 21, file.Names.Count); // 2 layers × 9 + embed + norm (+ lm_head)
            Assert.Equal(!tied, file.Contains("lm_head.weight"));
        }

        using var loaded = CausalLM.Load(folder);
        Assert.Equal(dtype, loaded.DType);
        Assert.Equal(tied, loaded.Tied);
        var before = original.StateNames();
        foreach (var (name, p) in loaded.StateNames())
            Assert.True(p.bytes.SequenceEqual(before[name].bytes), $"{name} changed in the round trip");

        var again = TestPaths.NewTempDir();
        loaded.SaveHuggingFace(again);
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "model.safetensors")), File.ReadAllBytes(Path.Combine(again, "model.safetensors")));

        using var fp32 = CausalLM.Load(folder, ScalarType.Float32);
        var expected = new NaiveDecoder(fp32.Config, fp32.named_parameters().ToDictionary(p => p.name, p => p.parameter.to_type(ScalarType.Float64).data<double>().ToArray())).Logits(Ids);
        using var input = tensor(Ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        using var logits = fp32.forward(input);
        var actual = logits.to_type(ScalarType.Float64).data<double>().ToArray();
        double worst = 0;
        for (int t = 0; t < Ids.Length; t++)
            for (int v = 0; v < 40; v++) worst = Math.Max(worst, Math.Abs(actual[t * 40 + v] - expected[t][v]));
        Assert.True(worst < 1e-4, $"max |logit difference| {worst}");
    }

    [Fact]
    public void Sharded_folder_loads_the_same_weights_and_f32_converts_to_bf16_on_request()
    {
        using var model = TinyModels.Random(TinyModels.Config(tied: false, llama3: true), ScalarType.Float32, seed: 8);
        var folder = TestPaths.NewTempDir();
        var files = SafetensorsWriter.WriteSharded(folder, model.StateNames().Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value)), maxShardBytes: 4096);
        Assert.True(files.Count > 3);
        model.Config.Save(Path.Combine(folder, "config.json"));
        using var loaded = CausalLM.Load(folder, ScalarType.BFloat16);
        Assert.Equal(ScalarType.BFloat16, loaded.DType);
        var original = model.StateNames();
        foreach (var (name, p) in loaded.StateNames())
        {
            using var expected = original[name].detach().to_type(ScalarType.BFloat16);
            Assert.True(p.bytes.SequenceEqual(expected.bytes), name);
        }
    }

    [Fact]
    public void Bf16_compute_stays_close_to_the_float64_forward()
    {
        using var model = TinyModels.Random(TinyModels.Config(tied: false, llama3: true), ScalarType.BFloat16, seed: 5);
        var expected = NaiveDecoder.From(model).Logits(Ids);
        using var input = tensor(Ids.Select(i => (long)i).ToArray()).unsqueeze(0);
        using var logits = model.forward(input);
        var actual = logits.to_type(ScalarType.Float64).data<double>().ToArray();
        double scale = expected.SelectMany(r => r).Max(Math.Abs);
        for (int t = 0; t < Ids.Length; t++)
            for (int v = 0; v < 40; v++)
                Assert.True(Math.Abs(actual[t * 40 + v] - expected[t][v]) < 0.05 * scale, $"position {t} token {v}");
    }
}
