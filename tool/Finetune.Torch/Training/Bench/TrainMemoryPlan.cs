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
/// for backward, and the head + loss working set (<see cref="ChunkedLinearCrossEntropy"/>). Two moments
/// compete for the peak: backward of the last micro-batch, while the earlier micro-batches' gradients are
/// held in the model's dtype (bf16-mixed accumulates in the bf16 model's gradients), and, with fp32 masters,
/// the optimizer step, when the activations and the head are gone but every gradient has an fp32 copy on its
/// master (made one tensor at a time, so one model-dtype gradient at most is held beside them). The plan
/// excludes the runtime itself (.NET + libtorch, measured as <c>runtime</c> by <c>bench train</c>).
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

    /// <summary>fp32 gradients on the master weights at the optimizer step (bf16-mixed); 0 otherwise.</summary>
    public long StepGradientBytes { get; init; }

    /// <summary>The largest single gradient in the model's dtype (the one held while its fp32 copy is made).</summary>
    public long LargestGradientBytes { get; init; }

    /// <summary>At the end of backward: weights, model-dtype gradients, masters, optimizer state, activations, head.</summary>
    public long BackwardBytes => WeightBytes + GradientBytes + MasterWeightBytes + OptimizerStateBytes + ActivationBytes + HeadAndLossBytes;

    /// <summary>At the optimizer step with masters: weights, masters, optimizer state, fp32 gradients, one model gradient.</summary>
    public long StepBytes => StepGradientBytes == 0 ? 0 : WeightBytes + MasterWeightBytes + OptimizerStateBytes + StepGradientBytes + LargestGradientBytes;

    public long TotalBytes => Math.Max(BackwardBytes, StepBytes);

    /// <param name="lossTokens">positions that carry loss (they alone reach the head); null = all</param>
    public static TrainMemoryPlan For(ModelConfig config, ScalarType dtype, OptimizerKind optimizer, bool masterWeights,
        int batch, int seq, bool checkpointing, bool paddingMask = false, long? lossTokens = null)
    {
        var shapes = Shapes(config);                                                          // one meta-device build for the whole plan
        long parameters = shapes.Sum(Elements);
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
        long vocabByHidden = (long)config.VocabSize * config.HiddenSize;
        long headAndLoss = 2 * chunk * config.VocabSize * 4                                   // fp32 logits and their softmax
            + vocabByHidden * 4                                                               // dW summed in fp32
            + tokens * config.HiddenSize * size;                                              // dH
        if (size != 4)
            headAndLoss += chunk * config.VocabSize * 2 * 2                                   // bf16 logits, bf16 softmax rows for dH
                + vocabByHidden * size * 2;                                                   // dW in bf16: saved, then scaled for autograd
        return new TrainMemoryPlan
        {
            WeightBytes = parameters * size,
            GradientBytes = parameters * size,
            StepGradientBytes = masters ? parameters * 4 : 0,
            LargestGradientBytes = masters ? shapes.Max(Elements) * size : 0,
            MasterWeightBytes = masters ? parameters * 4 : 0,
            OptimizerStateBytes = OptimizerBytes(shapes, optimizer),
            ActivationBytes = activations,
            HeadAndLossBytes = headAndLoss,
        };
    }

    /// <summary>Parameters of the model built from <paramref name="config"/> (a tied head adds none).</summary>
    public static long ParameterCount(ModelConfig config) => Shapes(config).Sum(Elements);

    private static long Elements(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);

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
        if (StepGradientBytes > 0)
        {
            Row("end of backward", BackwardBytes);
            Row("fp32 gradients", StepGradientBytes);
            Row("optimizer step", StepBytes);
        }
        Row("total (peak)", TotalBytes);
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

    private static long OptimizerBytes(List<long[]> shapes, OptimizerKind optimizer) => shapes.Sum(shape =>
    {
        long n = Elements(shape);
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
