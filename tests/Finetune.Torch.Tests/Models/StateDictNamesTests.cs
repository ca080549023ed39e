using Finetune.Torch.Models;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

public sealed class StateDictNamesTests
{
    /// <summary>Hugging Face CausalLM names and shapes for the tiny config, written by hand from its modeling code.</summary>
    private static readonly string[] Approved =
    [
        "lm_head.weight [40, 16]",
        "model.embed_tokens.weight [40, 16]",
        "model.layers.0.input_layernorm.weight [16]",
        "model.layers.0.mlp.down_proj.weight [16, 24]",
        "model.layers.0.mlp.gate_proj.weight [24, 16]",
        "model.layers.0.mlp.up_proj.weight [24, 16]",
        "model.layers.0.post_attention_layernorm.weight [16]",
        "model.layers.0.self_attn.k_proj.weight [16, 16]",
        "model.layers.0.self_attn.o_proj.weight [16, 32]",
        "model.layers.0.self_attn.q_proj.weight [32, 16]",
        "model.layers.0.self_attn.v_proj.weight [16, 16]",
        "model.layers.1.input_layernorm.weight [16]",
        "model.layers.1.mlp.down_proj.weight [16, 24]",
        "model.layers.1.mlp.gate_proj.weight [24, 16]",
        "model.layers.1.mlp.up_proj.weight [24, 16]",
        "model.layers.1.post_attention_layernorm.weight [16]",
        "model.layers.1.self_attn.k_proj.weight [16, 16]",
        "model.layers.1.self_attn.o_proj.weight [16, 32]",
        "model.layers.1.self_attn.q_proj.weight [32, 16]",
        "model.layers.1.self_attn.v_proj.weight [16, 16]",
        "model.norm.weight [16]",
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void State_dict_names_and_shapes_match_hugging_face(bool tied)
    {
        using var model = new CausalLM(TinyModels.Config(tied, llama3: false), ScalarType.Float32, device("meta"));
        var actual = model.state_dict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]").Order(StringComparer.Ordinal);
        Assert.Equal(Approved.Where(a => !(tied && a.StartsWith("lm_head", StringComparison.Ordinal))), actual);
    }

    /// <summary>What Qwen2Attention (q/k/v bias=True) and Qwen3Attention (q_norm, k_norm over head_dim) add per layer; Mistral adds nothing.</summary>
    [Theory]
    [InlineData("mistral", new string[0])]
    [InlineData("qwen2", new[] { "self_attn.k_proj.bias [16]", "self_attn.q_proj.bias [32]", "self_attn.v_proj.bias [16]" })]
    [InlineData("qwen3", new[] { "self_attn.k_norm.weight [8]", "self_attn.q_norm.weight [8]" })]
    public void Other_families_add_exactly_their_own_tensors(string family, string[] perLayer)
    {
        using var model = new CausalLM(TinyModels.Config(family, tied: false), ScalarType.Float32, device("meta"));
        var actual = model.state_dict().Select(kv => $"{kv.Key} [{string.Join(", ", kv.Value.shape)}]").Order(StringComparer.Ordinal);
        var expected = Approved.Concat(new[] { 0, 1 }.SelectMany(l => perLayer.Select(p => $"model.layers.{l}.{p}"))).Order(StringComparer.Ordinal);
        Assert.Equal(expected, actual);
    }
}
