using System.Globalization;
using System.Text;
using Finetune.Torch.Models;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Training.Optimizers;
using static TorchSharp.torch;

namespace Finetune.Torch.Training.Bench;

/// <summary>
/// Where a training step's memory goes, planned from the model's shape before anything is allocated:
/// weights, gradients, fp32 master copies (bf16-mixed), optimizer state, the activations autograd keeps
/// for backward, and the head + loss working set (<see cref="ChunkedLinearCrossEntropy"/>). The peak is
/// reached at the start of backward of the last micro-batch, while the previous steps' gradients are
/// held; it excludes the runtime itself (.NET + libtorch, measured as <c>runtime</c> by <c>bench train</c>).
/// The activation count follows the modules' saved tensors: per block the two RMSNorms (fp32 input and
/// normalised output each), q/k after RoPE (input and rotated half), k/v repeated to the query heads,
/// attention output, the residual, and the MLP's gate, up, silu(gate) and product; attention with a padding
/// mask also keeps the (B, heads, T, T) probabilities. With checkpointing each block keeps only its input,
/// and one block's activations exist at a time during backward.
/// </summary>
public sealed record TrainMemoryPlan
{
    public required long WeightBytes { get; init; }
    public required long GradientBytes { get; init; }
    public required long MasterWeightBytes { get; init; }
    public required long OptimizerStateBytes { get; init; }
    public required long ActivationBytes { get; init; }
    public required long HeadAndLossBytes { get; init; }

    public long TotalBytes => WeightBytes + GradientBytes + MasterWeightBytes + OptimizerStateBytes + ActivationBytes + HeadAndLossBytes;

    /// <param name="lossTokens">positions that carry loss (they alone reach the head); null = all</param>
    public static TrainMemoryPlan For(ModelConfig config, ScalarType dtype, OptimizerKind optimizer, bool masterWeights,
        int batch, int seq, bool checkpointing, bool paddingMask = false, long? lossTokens = null)
    {
        long parameters = ParameterCount(config);
        int size = dtype == ScalarType.BFloat16 ? 2 : 4;
        bool masters = dtype == ScalarType.BFloat16 && masterWeights;
        long tokens = (long)batch * seq;
        long perBlock = BlockActivationElements(config, tokens) * size
            + (paddingMask ? (long)batch * config.NumAttentionHeads * seq * seq * size : 0);
        long blockInput = tokens * config.HiddenSize * size;
        long activations = checkpointing
            ? config.NumHiddenLayers * blockInput + perBlock
            : config.NumHiddenLayers * (perBlock + blockInput);
        long chunk = Math.Min(lossTokens ?? tokens, ChunkedLinearCrossEntropy.ChunkRows);
        long headAndLoss = 2 * chunk * config.VocabSize * 4                                   // fp32 logits and their softmax
            + (long)config.VocabSize * config.HiddenSize * 4                                  // dW summed in fp32
            + tokens * config.HiddenSize * size;                                              // dH
        return new TrainMemoryPlan
        {
            WeightBytes = parameters * size,
            GradientBytes = parameters * (masters ? 4 : size),
            MasterWeightBytes = masters ? parameters * 4 : 0,
            OptimizerStateBytes = OptimizerBytes(config, optimizer),
            ActivationBytes = activations,
            HeadAndLossBytes = headAndLoss,
        };
    }

    /// <summary>Parameters of the model built from <paramref name="config"/> (a tied head adds none).</summary>
    public static long ParameterCount(ModelConfig config) => Shapes(config).Sum(s => s.Aggregate(1L, (a, b) => a * b));

    /// <summary>A table of the parts and the total, in MiB.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        void Row(string name, long bytes) => text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-18} {bytes / 1048576.0,10:N0} MiB"));
        Row("weights", WeightBytes);
        Row("gradients", GradientBytes);
        Row("master weights", MasterWeightBytes);
        Row("optimizer state", OptimizerStateBytes);
        Row("activations", ActivationBytes);
        Row("head and loss", HeadAndLossBytes);
        Row("total", TotalBytes);
        return text.ToString();
    }

    private static long BlockActivationElements(ModelConfig c, long tokens)
    {
        long h = c.HiddenSize, q = (long)c.NumAttentionHeads * c.HeadDim, kv = (long)c.KeyValueHeads * c.HeadDim;
        long norms = 2 * 2 * h;
        long attention = 2 * q + 2 * kv + kv + (c.KeyValueHeads < c.NumAttentionHeads ? 2 * q : 0) + q;
        long mlp = 4L * c.IntermediateSize;
        return tokens * (norms + attention + h + mlp);
    }

    private static long OptimizerBytes(ModelConfig config, OptimizerKind optimizer) => Shapes(config).Sum(shape =>
    {
        long n = shape.Aggregate(1L, (a, b) => a * b);
        return optimizer == OptimizerKind.AdamW8bit && n >= AdamW8bit.MinQuantizedSize
            ? 2 * n + 2 * 4 * BlockwiseQuantizer.BlockCount(n)
            : 2 * 4 * n;
    });

    /// <summary>Parameter shapes of the model <paramref name="config"/> builds, read off a copy on the meta device (no memory).</summary>
    private static List<long[]> Shapes(ModelConfig config)
    {
        using var model = new CausalLM(config, ScalarType.Float32, device("meta"), initialize: false);
        return model.parameters().Select(p => p.shape).ToList();
    }
}
