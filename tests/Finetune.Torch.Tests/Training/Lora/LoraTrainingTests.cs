using Finetune.Testing;
using Finetune.Torch.Models;
using Finetune.Torch.Tests.Training.Loop;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Training.Lora;
using Finetune.Torch.Training.Optimizers;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Training.Lora;

public sealed class LoraTrainingTests
{
    private const int FirstNew = 60;

    private static LoraOptions Lora => new() { Rank = 4, Alpha = 8, Dropout = 0.1, FirstNewRow = FirstNew, NewRowCount = 4, Seed = 3 };

    /// <summary>Counting rows that end in a new token (60..63), so the new rows get gradients every step.</summary>
    private static List<(int[] Ids, byte[] Mask)> Rows(int count) =>
        TrainerData.Counting(count, seed: 8).Select((r, i) => (r.Ids.Append(FirstNew + i % 4).ToArray(), r.Mask.Append((byte)1).ToArray())).ToList();

    [Theory]
    [InlineData(true, OptimizerKind.AdamW, false)]
    [InlineData(false, OptimizerKind.AdamW8bit, false)]
    [InlineData(true, OptimizerKind.AdamW8bit, true)]     // bf16 base, fp32 adapter
    public void Only_the_adapter_and_the_new_rows_train_and_the_loss_falls(bool tied, OptimizerKind optimizer, bool bf16)
    {
        var dtype = bf16 ? ScalarType.BFloat16 : ScalarType.Float32;
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", Rows(16));
        using var model = TrainerData.Model(TrainerData.Config(tied), dtype: dtype);
        var initial = model.StateNames().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        using var adapter = LoraAdapter.Attach(model, Lora);
        var options = TrainerData.Options with { Epochs = 6, GradientAccumulation = 2, Optimizer = optimizer, LearningRate = 1e-2, WeightDecay = 0.01, DType = dtype };
        TrainingResult result;
        double first = double.NaN;
        using (var trainer = new SftTrainer(model, shard, null, options, Path.Combine(dir, "work"), adapter))
        {
            result = trainer.Train(new SyncProgress<TrainerProgress>(p => { if (p.Step == 1) first = p.Loss; }));
            // optimizer state exists for the adapter's tensors only: one set of new rows when tied
            var stateOwners = trainer.Optimizer.StateDict().Keys.Where(k => k.EndsWith(".step", StringComparison.Ordinal)).Select(k => k[..^".step".Length]).ToHashSet();
            Assert.Equal(adapter.Parameters.Select(p => p.Name).ToHashSet(), stateOwners);
            Assert.Equal(tied ? 1 : 2, stateOwners.Count(n => n.Contains("trainable_tokens_delta", StringComparison.Ordinal)));
        }
        Assert.True(result.LastLoss < 0.8 * first, $"loss {first} -> {result.LastLoss}");
        foreach (var (name, p) in model.StateNames())
            Assert.True(TrainingTensors.BitEqual(p, initial[name]), $"base tensor {name} moved");
        foreach (var (name, p) in adapter.Parameters.Where(p => p.Name.EndsWith("lora_B.weight", StringComparison.Ordinal)))
            Assert.True(p.abs().max().item<float>() > 0, $"{name} did not train");   // B starts at zero

        // merged, the plain model keeps the old rows and takes the trained new ones
        using var trainedRows = adapter.Parameters[^(tied ? 1 : 2)].P.detach().clone();
        adapter.Merge();
        foreach (var (name, p) in model.StateNames())
        {
            if (name == "model.embed_tokens.weight")
            {
                Assert.True(TrainingTensors.BitEqual(p.narrow(0, 0, FirstNew).contiguous(), initial[name].narrow(0, 0, FirstNew).contiguous()));
                Assert.True(TrainingTensors.BitEqual(p.narrow(0, FirstNew, 4).contiguous(), trainedRows.to(dtype)));
            }
        }
        foreach (var t in initial.Values) t.Dispose();
    }

    [Theory]
    [InlineData(OptimizerKind.AdamW)]
    [InlineData(OptimizerKind.AdamW8bit)]
    public void A_stopped_and_resumed_LoRA_run_ends_bit_identical(OptimizerKind optimizer)
    {
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", Rows(12));
        var config = TrainerData.Config(tied: false);
        var options = TrainerData.Options with { Epochs = 2, GradientAccumulation = 2, Optimizer = optimizer, WarmupRatio = 0.2, Schedule = ScheduleKind.Linear, Save = SavePolicy.Steps(2) };

        using var straight = TrainerData.Model(config);
        using var straightAdapter = LoraAdapter.Attach(straight, Lora);
        using (var trainer = new SftTrainer(straight, shard, null, options, Path.Combine(dir, "straight"), straightAdapter))
            Assert.Equal(6, trainer.Train().Steps);

        var work = Path.Combine(dir, "stopped");
        using (var first = TrainerData.Model(config))
        using (var firstAdapter = LoraAdapter.Attach(first, Lora))
        using (var trainer = new SftTrainer(first, shard, null, options, work, firstAdapter))
        {
            using var stop = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() => trainer.Train(new SyncProgress<TrainerProgress>(p => { if (p.Step == 3) stop.Cancel(); }), stop.Token));
        }

        using var resumed = TrainerData.Model(config);
        using var resumedAdapter = LoraAdapter.Attach(resumed, Lora);
        using (no_grad())
            foreach (var (_, p) in resumedAdapter.Parameters) p.add_(0.5);             // other values: the checkpoint must overwrite them all
        using (var trainer = new SftTrainer(resumed, shard, null, options, work, resumedAdapter))
        {
            Assert.True(trainer.Resume());
            Assert.Equal(2, trainer.Step);
            trainer.Train();
        }
        var expected = straightAdapter.Parameters.ToDictionary(p => p.Name, p => p.P);
        foreach (var (name, p) in resumedAdapter.Parameters)
            Assert.True(TrainingTensors.BitEqual(p, expected[name]), $"{name} differs after resume");
    }

    [Fact]
    public void Freezing_rows_first_is_refused_with_LoRA()
    {
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", Rows(4));
        using var model = TrainerData.Model(TrainerData.Config());
        using var adapter = LoraAdapter.Attach(model, Lora);
        var error = Assert.Throws<ArgumentException>(() => new SftTrainer(model, shard, null, TrainerData.Options with { FreezeNewRowsSteps = 2, FirstNewRow = FirstNew }, dir, adapter));
        Assert.Contains("freeze_new_rows_steps", error.Message);
    }
}
