using Finetune.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

/// <summary>Tiny models and shards for the trainer tests.</summary>
internal static class TrainerData
{
    /// <summary>Vocab 64, hidden 64: the embedding and q/o projections have 4096 elements, so 8-bit AdamW quantizes them.</summary>
    public static ModelConfig Config(bool tied = true, int vocab = 64, int hidden = 64) => new()
    {
        VocabSize = vocab,
        HiddenSize = hidden,
        IntermediateSize = 2 * hidden,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        NumKeyValueHeads = 2,
        RmsNormEps = 1e-5,
        RopeTheta = 10000,
        MaxPositionEmbeddings = 256,
        TieWordEmbeddings = tied,
    };

    /// <summary>HF-style init from a private generator: matrices N(0, 0.02), norms 1 (deterministic per seed).</summary>
    public static CausalLM Model(ModelConfig config, long seed = 1, ScalarType dtype = ScalarType.Float32)
    {
        var model = new CausalLM(config, dtype);
        var generator = new torch.Generator((ulong)seed);
        using var _ = no_grad();
        foreach (var (_, p) in model.named_parameters())
        {
            if (p.dim() == 1) p.fill_(1.0f);
            else
            {
                using var values = randn(p.shape, ScalarType.Float32, generator: generator) * 0.02;
                p.copy_(values);
            }
        }
        return model;
    }

    /// <summary>Writes rows (ids, mask with mask[0] = 0) and opens the shard.</summary>
    public static TokenShard Shard(string dir, string name, IEnumerable<(int[] Ids, byte[] Mask)> rows)
    {
        var prefix = Path.Combine(dir, name);
        using (var writer = new TokenShardWriter(prefix))
            foreach (var (ids, mask) in rows) writer.Append(ids, mask);
        return TokenShard.Open(prefix);
    }

    /// <summary>A row whose every token after the first carries loss.</summary>
    public static (int[] Ids, byte[] Mask) AllLoss(params int[] ids) =>
        (ids, ids.Select((_, i) => (byte)(i == 0 ? 0 : 1)).ToArray());

    /// <summary>
    /// Counting rows: BOS 1, then start, start+1, ... (mod 60, offset by 2), lengths 5..16 — a pattern a tiny
    /// model learns within a few dozen steps; loss only on the second half (a prompt/answer split).
    /// </summary>
    public static List<(int[] Ids, byte[] Mask)> Counting(int rows, int seed)
    {
        var random = new SplitMix64((ulong)seed);
        var result = new List<(int[], byte[])>();
        for (int r = 0; r < rows; r++)
        {
            int length = 5 + (int)random.NextBelow(12);
            int start = (int)random.NextBelow(60);
            var ids = new int[length];
            var mask = new byte[length];
            ids[0] = 1;
            for (int i = 1; i < length; i++)
            {
                ids[i] = 2 + (start + i) % 60;
                mask[i] = (byte)(i >= length / 2 ? 1 : 0);
            }
            result.Add((ids, mask));
        }
        return result;
    }

    public static bool SameBits(CausalLM a, CausalLM b)
    {
        var pb = b.StateNames();
        return a.StateNames().All(kv => kv.Value.bytes.SequenceEqual(pb[kv.Key].bytes));
    }

    public static double MaxRelativeDifference(CausalLM a, CausalLM b)
    {
        var pb = b.StateNames();
        return a.StateNames().Max(kv => TrainingTensors.RelativeError(kv.Value, pb[kv.Key]));
    }

    public static TrainerOptions Options => new()
    {
        Epochs = 1,
        BatchSize = 2,
        GradientAccumulation = 1,
        LearningRate = 1e-3,
        WarmupRatio = 0,
        Schedule = ScheduleKind.Constant,
        EvalEvery = 1000,
        LogEvery = 1,
        Save = SavePolicy.End,
        PadId = 0,
        Seed = 7,
        MaxSteps = null,
        Optimizer = OptimizerKind.AdamW,
        Beta1 = 0.9,
        Beta2 = 0.999,
        Eps = 1e-8,
        WeightDecay = 0,
        MaxGradNorm = 1.0,
        Packing = false,
        GroupByLength = true,
        Checkpointing = false,
        MaxSeqLength = null,
        FreezeNewRowsSteps = 0,
        FirstNewRow = 0,
        RealVocabSize = null,
        DType = ScalarType.Float32,
        MasterWeights = true,
        Device = "cpu",
    };
}
