using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

/// <summary>Tiny random Llama models for tests: GQA (4 heads, 2 KV heads), head_dim 8 ≠ hidden/heads.</summary>
internal static class TinyLlama
{
    public static ModelConfig Config(bool tied, bool llama3) => new()
    {
        VocabSize = 40,
        HiddenSize = 16,
        IntermediateSize = 24,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        HeadDimension = 8,
        RmsNormEps = 1e-5,
        RopeTheta = 10000,
        MaxPositionEmbeddings = 64,
        TieWordEmbeddings = tied,
        // wavelengths 2π·{1, 10, 100, 1000}: with original 8 positions and factors 1/4, the first is in
        // the smoothed band (2 < 6.28 < 8) and the others are divided by the factor.
        RopeScaling = llama3
            ? new RopeScaling { RopeType = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 8 }
            : null,
        BosTokenId = 1,
        EosTokenId = 2,
    };

    /// <summary>A model whose every parameter (norms included) is random, so a mix-up of any two shows.</summary>
    public static CausalLM Random(ModelConfig config, ScalarType dtype, long seed)
    {
        var model = new CausalLM(config, dtype);
        var generator = new torch.Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var (_, p) in model.named_parameters())
        {
            using var values = randn(p.shape, ScalarType.Float32, generator: generator) * 0.4;
            p.copy_(values);
        }
        return model;
    }
}
