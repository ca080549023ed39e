using Finetune.Testing;
using Finetune.Torch.Models;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class TrainerAccumulationTests
{
    // eps 10 >> |g| makes Adam's first update ~ lr * g / 10, so the update follows the gradient's size
    // (with a small eps the first step is lr * sign(g) and would hide a wrongly scaled loss).
    private static TrainerOptions OneStep(int batch, int accumulation) => TrainerData.Options with
    {
        BatchSize = batch,
        GradientAccumulation = accumulation,
        LearningRate = 1.0,
        Eps = 10,
        MaxGradNorm = 0,
    };

    [Fact]
    public void Four_micro_batches_of_two_give_the_update_of_one_batch_of_eight()
    {
        var rows = TrainerData.Counting(8, seed: 3);   // lengths and loss-token counts differ per row
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", rows);
        var config = TrainerData.Config();
        using var initial = TrainerData.Model(config);
        using var accumulated = TrainerData.Model(config);
        using var whole = TrainerData.Model(config);

        TrainingResult a, b;
        using (var trainer = new SftTrainer(accumulated, shard, null, OneStep(2, 4), Path.Combine(dir, "a")))
            a = trainer.Train();
        using (var trainer = new SftTrainer(whole, shard, null, OneStep(8, 1), Path.Combine(dir, "b")))
            b = trainer.Train();

        Assert.Equal(1, a.Steps);
        Assert.Equal(1, b.Steps);
        Assert.True(MaxDeltaError(initial, accumulated, whole) < 1e-4);
        // the loss is summed token losses / loss tokens of all 8 rows, computed here row by row
        var (expected, meanOfMeans) = HandLoss(initial, rows);
        Assert.Equal(expected, a.LastLoss, 5);
        Assert.Equal(expected, b.LastLoss, 5);
        Assert.True(Math.Abs(expected - meanOfMeans) > 1e-3, "the data must tell the two normalisations apart");
        // eval loss is the same token-weighted mean, whatever the batching (batches of 3 pad differently)
        Assert.Equal(expected, SftTrainer.Evaluate(initial, shard, batchSize: 3, padId: 0), 5);
    }

    [Fact]
    public void Activation_checkpointing_gives_the_same_update()
    {
        var rows = TrainerData.Counting(8, seed: 5);
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", rows);
        var config = TrainerData.Config();
        using var initial = TrainerData.Model(config);
        using var recomputed = TrainerData.Model(config);
        using var kept = TrainerData.Model(config);
        TrainingResult a, b;
        using (var trainer = new SftTrainer(recomputed, shard, null, OneStep(4, 2) with { Checkpointing = true }, Path.Combine(dir, "a")))
            a = trainer.Train();
        using (var trainer = new SftTrainer(kept, shard, null, OneStep(4, 2), Path.Combine(dir, "b")))
            b = trainer.Train();
        Assert.True(recomputed.model.GradientCheckpointing);
        Assert.Equal(b.LastLoss, a.LastLoss, 6);
        Assert.True(MaxDeltaError(initial, recomputed, kept) < 1e-4);
    }

    /// <summary>max over tensors of |Δa - Δb| / max |Δb|, Δ = weights after - before.</summary>
    internal static double MaxDeltaError(CausalLM before, CausalLM a, CausalLM b)
    {
        var p0 = before.StateNames();
        var pb = b.StateNames();
        double worst = 0;
        foreach (var (name, pa) in a.StateNames())
        {
            using var scope = NewDisposeScope();
            var da = pa - p0[name];
            var db = pb[name] - p0[name];
            Assert.True(db.abs().max().item<float>() > 0, $"{name} did not move");
            worst = Math.Max(worst, TrainingTensors.RelativeError(da, db));
        }
        return worst;
    }

    private static (double TokenMean, double MeanOfMeans) HandLoss(CausalLM model, List<(int[] Ids, byte[] Mask)> rows)
    {
        using var noGrad = no_grad();
        double sum = 0, means = 0;
        long tokens = 0;
        foreach (var (ids, mask) in rows)
        {
            using var scope = NewDisposeScope();
            var input = tensor(ids.Select(i => (long)i).ToArray(), [1, ids.Length]);
            var lossMask = tensor(mask.Select(m => m == 1).ToArray(), [1, ids.Length]);
            double rowSum = MaskedCrossEntropy.NextTokenSum(model.forward(input), input, lossMask).item<float>();
            int rowTokens = mask.Count(m => m == 1);
            sum += rowSum;
            tokens += rowTokens;
            means += rowSum / rowTokens;
        }
        return (sum / tokens, means / rows.Count);
    }
}
