using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class TrainerResumeTests
{
    private static TrainerOptions Options(OptimizerKind optimizer) => TrainerData.Options with
    {
        Epochs = 2,
        BatchSize = 2,
        GradientAccumulation = 2,
        Optimizer = optimizer,
        WarmupRatio = 0.2,
        Schedule = ScheduleKind.Linear,
        WeightDecay = 0.01,
        Save = SavePolicy.Steps(2),
    };

    [Theory]
    [InlineData(OptimizerKind.AdamW, false)]
    [InlineData(OptimizerKind.AdamW8bit, false)]
    [InlineData(OptimizerKind.AdamW, true)]       // bf16 model with fp32 master weights
    public void A_run_stopped_and_resumed_ends_bit_identical_to_an_uninterrupted_run(OptimizerKind optimizer, bool bf16)
    {
        var dtype = bf16 ? TorchSharp.torch.ScalarType.BFloat16 : TorchSharp.torch.ScalarType.Float32;
        TrainerOptions Options(OptimizerKind kind) => TrainerResumeTests.Options(kind) with { DType = dtype };
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", TrainerData.Counting(12, seed: 2));  // 6 micro-batches = 3 steps per epoch
        var config = TrainerData.Config();

        using var straight = TrainerData.Model(config, dtype: dtype);
        using (var trainer = new SftTrainer(straight, shard, null, Options(optimizer), Path.Combine(dir, "straight")))
        {
            Assert.Equal(6, trainer.TotalSteps);
            trainer.Train();
        }

        var work = Path.Combine(dir, "stopped");
        using (var first = TrainerData.Model(config, dtype: dtype))
        using (var trainer = new SftTrainer(first, shard, null, Options(optimizer), work))
        {
            using var stop = new CancellationTokenSource();
            var progress = new SyncProgress<TrainerProgress>(p => { if (p.Step == 3) stop.Cancel(); });
            Assert.Throws<OperationCanceledException>(() => trainer.Train(progress, stop.Token));
            Assert.Equal(3, trainer.Step);
        }
        Assert.EndsWith("step-00000002", TrainerCheckpoint.Latest(work));

        using var resumedModel = TrainerData.Model(config, seed: 99, dtype: dtype);   // other weights: the checkpoint must overwrite them all
        using (var trainer = new SftTrainer(resumedModel, shard, null, Options(optimizer), work))
        {
            Assert.True(trainer.Resume());
            Assert.Equal(2, trainer.Step);
            Assert.Equal(6, trainer.Train().Steps);
        }

        Assert.True(TrainerData.SameBits(straight, resumedModel));
        Assert.Equal(TrainLines(Path.Combine(dir, "straight", "metrics.jsonl")), TrainLines(Path.Combine(work, "metrics.jsonl")));
    }

    [Fact]
    public void Resume_without_a_checkpoint_says_so()
    {
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", TrainerData.Counting(4, seed: 2));
        using var model = TrainerData.Model(TrainerData.Config());
        using var trainer = new SftTrainer(model, shard, null, TrainerData.Options, Path.Combine(dir, "work"));
        Assert.False(trainer.Resume());
    }

    /// <summary>step, loss, lr and grad norm of each training line (timings differ between runs).</summary>
    private static List<string> TrainLines(string path) => File.ReadAllLines(path)
        .Select(l => JsonNode.Parse(l)!.AsObject())
        .Where(o => o.ContainsKey("loss"))
        .Select(o => $"{o["step"]} {o["epoch"]} {o["loss"]} {o["lr"]} {o["grad_norm"]}")
        .ToList();
}
