using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Models;

/// <summary>
/// Tiny random models for tests: GQA (4 heads, 2 KV heads), head_dim 8 ≠ hidden/heads, 40 tokens, two layers;
/// each family with what sets it apart (Qwen2 q/k/v biases and θ 1e6, Qwen3 q/k norms, Mistral's window).
/// </summary>
internal static class TinyModels
{
    public static readonly string[] Families = ["llama", "mistral", "qwen2", "qwen3"];

    public static ModelConfig Config(bool tied, bool llama3) => Config("llama", tied) with
    {
        // wavelengths 2π·{1, 10, 100, 1000}: with original 8 positions and factors 1/4, the first is in
        // the smoothed band (2 < 6.28 < 8) and the others are divided by the factor.
        RopeScaling = llama3
            ? new RopeScaling { RopeType = "llama3", Factor = 8, LowFreqFactor = 1, HighFreqFactor = 4, OriginalMaxPositionEmbeddings = 8 }
            : null,
    };

    /// <param name="modelType">llama | mistral | qwen2 | qwen3</param>
    /// <param name="window">Mistral's sliding_window (4 is shorter than the test sequences; null = none)</param>
    public static ModelConfig Config(string modelType, bool tied, int? window = 4)
    {
        var config = new ModelConfig
        {
            ModelType = modelType,
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
            BosTokenId = 1,
            EosTokenId = 2,
        };
        return modelType switch
        {
            "mistral" => config with { SlidingWindow = window },
            "qwen2" => config with { RopeTheta = 1e6, BosTokenId = null },
            "qwen3" => config with { RopeTheta = 1e6, BosTokenId = null },
            _ => config,
        };
    }

    /// <summary>A model whose every parameter (norms and biases included) is random, so a mix-up of any two shows.</summary>
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
