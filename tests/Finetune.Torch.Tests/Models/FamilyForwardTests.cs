using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

/// <summary>Each family's forward pass against <see cref="NaiveDecoder"/>, the float64 loop written from transformers.</summary>
public sealed class FamilyForwardTests
{
    private static readonly int[] Ids = [1, 5, 9, 33, 2, 17, 17, 39, 0, 12, 8];

    public static TheoryData<string, bool> FamiliesTiedAndUntied()
    {
        var data = new TheoryData<string, bool>();
        foreach (var family in TinyModels.Families)
        {
            data.Add(family, true);
            data.Add(family, false);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(FamiliesTiedAndUntied))]
    public void Fp32_logits_match_the_float64_loop_to_1e_4(string family, bool tied)
    {
        using var model = TinyModels.Random(TinyModels.Config(family, tied), ScalarType.Float32, seed: 11);
        Assert.True(Worst(model, Ids) < 1e-4, $"max |logit difference| {Worst(model, Ids)}");
    }

    /// <summary>bf16 weights and activations against the float64 loop on the same (bf16-valued) weights.</summary>
    [Theory]
    [MemberData(nameof(FamiliesTiedAndUntied))]
    public void Bf16_logits_stay_within_5_percent_of_the_largest_logit(string family, bool tied)
    {
        using var model = TinyModels.Random(TinyModels.Config(family, tied), ScalarType.BFloat16, seed: 5);
        double scale = NaiveDecoder.From(model).Logits(Ids).SelectMany(r => r).Max(Math.Abs);
        Assert.True(Worst(model, Ids) < 0.05 * scale, $"max |logit difference| {Worst(model, Ids)} of largest {scale}");
    }

    public static TheoryData<string, string> RopeTypes()
    {
        var data = new TheoryData<string, string>();
        foreach (var family in new[] { "llama", "qwen3" })
            foreach (var rope in new[] { "linear", "dynamic", "yarn", "yarn-untruncated", "yarn-original", "llama3" })
                data.Add(family, rope);
        return data;
    }

    /// <summary>
    /// Each rope_scaling type, set so that it changes the frequencies on these 11 positions: dynamic with
    /// max_position_embeddings 8 (&lt; 11); yarn with a ramp that lands between whole dimensions.
    /// </summary>
    [Theory]
    [MemberData(nameof(RopeTypes))]
    public void Rope_scaling_types_match_the_float64_loop(string family, string rope)
    {
        var config = TinyModels.Config(family, tied: false) with { RopeTheta = 10000 };
        config = rope switch
        {
            "linear" => config with { RopeScaling = new RopeScaling { RopeType = "linear", Factor = 4 } },
            "dynamic" => config with { MaxPositionEmbeddings = 8, RopeScaling = new RopeScaling { RopeType = "dynamic", Factor = 3 } },
            // head_dim 8, θ 1e4, 1024 positions: correction dims 0.1 (32 turns) and 1.6 (1 turn) → ramp [0, 0.5, 1, 1] truncated.
            "yarn" => config with { MaxPositionEmbeddings = 1024, RopeScaling = new RopeScaling { RopeType = "yarn", Factor = 4 } },
            "yarn-untruncated" => config with { MaxPositionEmbeddings = 1024, RopeScaling = new RopeScaling { RopeType = "yarn", Factor = 4, Truncate = false, AttentionFactor = 1.3 } },
            // original 256 of 1024 positions: the factor becomes 1024/256 = 4, not the 2 written.
            "yarn-original" => config with { MaxPositionEmbeddings = 1024, RopeScaling = new RopeScaling { RopeType = "yarn", Factor = 2, OriginalMaxPositionEmbeddings = 256 } },
            _ => TinyModels.Config(tied: false, llama3: true) with { ModelType = family },
        };
        using var model = TinyModels.Random(config, ScalarType.Float32, seed: 13);
        using var plain = TinyModels.Random(config with { RopeScaling = null }, ScalarType.Float32, seed: 13);
        Assert.True(Worst(model, Ids) < 1e-4, $"max |logit difference| {Worst(model, Ids)}");
        using var input = Input(Ids);
        using var scaled = model.forward(input);
        using var unscaled = plain.forward(input);
        Assert.False(scaled.allclose(unscaled, rtol: 1e-3, atol: 1e-3), "the scaling changed nothing on this input");
    }

    [Fact]
    public void Yarn_attention_factor_defaults_to_one_tenth_log_factor_plus_one()
    {
        var config = TinyModels.Config("qwen3", tied: true) with { MaxPositionEmbeddings = 1024, RopeScaling = new RopeScaling { RopeType = "yarn", Factor = 4 } };
        Assert.Equal(0.1 * Math.Log(4) + 1, new Rope(config).AttentionScaling, 12);
    }

    [Fact]
    public void Mistral_window_longer_than_the_sequence_gives_the_full_attention_logits()
    {
        using var windowed = TinyModels.Random(TinyModels.Config("mistral", tied: true, window: Ids.Length), ScalarType.Float32, seed: 3);
        using var full = TinyModels.Random(TinyModels.Config("mistral", tied: true, window: null), ScalarType.Float32, seed: 3);
        using var input = Input(Ids);
        using var a = windowed.forward(input);
        using var b = full.forward(input);
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
    }

    [Fact]
    public void Mistral_window_is_kept_through_the_cache_one_token_at_a_time()
    {
        using var model = TinyModels.Random(TinyModels.Config("mistral", tied: false, window: 3), ScalarType.Float32, seed: 4);
        using var input = Input(Ids);
        using var full = model.forward(input);
        using var cache = new KvCache(model.Config, 1, 16, ScalarType.Float32);
        var steps = new List<Tensor> { model.forward(input.narrow(1, 0, 4), cache) };
        for (int t = 4; t < Ids.Length; t++) steps.Add(model.forward(input.narrow(1, t, 1), cache));
        using var joined = cat(steps, 1);
        Assert.True(joined.allclose(full, rtol: 1e-5, atol: 1e-5));
        foreach (var s in steps) s.Dispose();
    }

    [Theory]
    [InlineData("qwen2")]
    [InlineData("qwen3")]
    public void Qwen_slides_only_with_use_sliding_window_and_from_max_window_layers(string family)
    {
        var on = TinyModels.Config(family, tied: true) with { UseSlidingWindow = true, SlidingWindow = 3, MaxWindowLayers = 1 };
        Assert.Equal([null, 3], new[] { on.WindowOf(0), on.WindowOf(1) });
        using var model = TinyModels.Random(on, ScalarType.Float32, seed: 6);
        Assert.True(Worst(model, Ids) < 1e-4, $"max |logit difference| {Worst(model, Ids)}");
        var off = on with { UseSlidingWindow = false };
        Assert.Equal([null, null], new[] { off.WindowOf(0), off.WindowOf(1) });
        var typed = on with { LayerTypes = ["sliding_attention", "full_attention"] };
        Assert.Equal([3, null], new[] { typed.WindowOf(0), typed.WindowOf(1) });
    }

    [Fact]
    public void Llama_attention_and_mlp_biases_are_built_and_used()
    {
        var config = TinyModels.Config("llama", tied: false) with { AttentionBias = true, MlpBias = true };
        using var model = TinyModels.Random(config, ScalarType.Float32, seed: 8);
        var names = model.StateNames().Keys.Where(n => n.EndsWith(".bias", StringComparison.Ordinal) && n.Contains("layers.0.")).Order(StringComparer.Ordinal);
        Assert.Equal(["model.layers.0.mlp.down_proj.bias", "model.layers.0.mlp.gate_proj.bias", "model.layers.0.mlp.up_proj.bias",
            "model.layers.0.self_attn.k_proj.bias", "model.layers.0.self_attn.o_proj.bias", "model.layers.0.self_attn.q_proj.bias",
            "model.layers.0.self_attn.v_proj.bias"], names);
        Assert.True(Worst(model, Ids) < 1e-4, $"max |logit difference| {Worst(model, Ids)}");
    }

    private static Tensor Input(int[] ids) => tensor(ids.Select(i => (long)i).ToArray()).unsqueeze(0);

    internal static double Worst(CausalLM model, int[] ids)
    {
        var expected = NaiveDecoder.From(model).Logits(ids);
        using var input = Input(ids);
        using var _ = no_grad();
        using var logits = model.forward(input);
        var actual = logits.to_type(ScalarType.Float64).data<double>().ToArray();
        int vocab = model.Config.VocabSize;
        double worst = 0;
        for (int t = 0; t < ids.Length; t++)
            for (int v = 0; v < vocab; v++) worst = Math.Max(worst, Math.Abs(actual[t * vocab + v] - expected[t][v]));
        return worst;
    }
}
