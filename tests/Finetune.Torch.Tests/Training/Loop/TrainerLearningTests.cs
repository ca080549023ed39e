using System.Text.Json.Nodes;
using Finetune.Testing;
using Xunit.Abstractions;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class TrainerLearningTests(ITestOutputHelper output)
{
    private static TrainerOptions Options => TrainerData.Options with
    {
        Epochs = 6,
        BatchSize = 8,
        LearningRate = 3e-3,
        WarmupRatio = 0.1,
        Schedule = ScheduleKind.Cosine,
        EvalEvery = 16,
        LogEvery = 4,
    };

    [Fact]
    public void Loss_falls_on_counting_sequences_and_metrics_are_written()
    {
        var dir = TestPaths.NewTempDir();
        using var train = TrainerData.Shard(dir, "train", TrainerData.Counting(64, seed: 1));
        using var test = TrainerData.Shard(dir, "test", TrainerData.Counting(16, seed: 2));
        using var model = TrainerData.Model(TrainerData.Config());
        double before = SftTrainer.Evaluate(model, test, 8, 0);
        Assert.InRange(before, Math.Log(64) - 0.2, Math.Log(64) + 0.2);   // random init: about uniform over 64 ids

        var seen = new List<TrainerProgress>();
        TrainingResult result;
        using (var trainer = new SftTrainer(model, train, test, Options, Path.Combine(dir, "work")))
        {
            Assert.Equal(48, trainer.TotalSteps);                          // 6 epochs x 64 / 8
            result = trainer.Train(new SyncProgress<TrainerProgress>(seen.Add));
        }

        output.WriteLine($"eval loss {before:F4} -> {result.LastEvalLoss:F4}, train loss {seen[0].Loss:F4} -> {seen[^1].Loss:F4}");
        Assert.True(result.LastEvalLoss < 0.5 * before, $"eval loss {before} -> {result.LastEvalLoss}");
        Assert.Equal(Enumerable.Range(1, 48).Select(i => (long)i), seen.Select(p => p.Step));
        Assert.All(seen, p => Assert.Equal(48, p.TotalSteps));
        Assert.Equal(TimeSpan.Zero, seen[^1].Eta);

        var lines = File.ReadAllLines(Path.Combine(dir, "work", "metrics.jsonl")).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var trainLines = lines.Where(o => o.ContainsKey("loss")).ToList();
        var evalLines = lines.Where(o => o.ContainsKey("eval_loss")).ToList();
        Assert.Equal([4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48], trainLines.Select(o => (int)o["step"]!));
        Assert.Equal([16, 32, 48], evalLines.Select(o => (int)o["step"]!));
        Assert.Equal(result.LastEvalLoss, (double)evalLines[^1]["eval_loss"]!);
        Assert.Equal(6.0, (double)trainLines[^1]["epoch"]!);
        Assert.All(trainLines, o => Assert.True((double)o["tokens_per_s"]! > 0));
        // lr: cosine after ceil(0.1 x 48) = 5 warmup steps; step 4 (0-based 3) has lr 3e-3 x 3/5
        Assert.Equal(3e-3 * 3 / 5, (double)trainLines[0]["lr"]!, 12);
        Assert.True(File.Exists(Path.Combine(TrainerCheckpoint.Latest(Path.Combine(dir, "work"))!, TrainerCheckpoint.ModelFile)));
    }

    [Fact]
    public void A_bf16_model_trains_in_bf16_and_resumes_from_its_checkpoint()
    {
        var dir = TestPaths.NewTempDir();
        using var train = TrainerData.Shard(dir, "train", TrainerData.Counting(32, seed: 6));
        var options = Options with { Epochs = 3, LearningRate = 1e-2, DType = TorchSharp.torch.ScalarType.BFloat16, Save = SavePolicy.Steps(6) };
        using var model = TrainerData.Model(TrainerData.Config(), dtype: TorchSharp.torch.ScalarType.BFloat16);
        var losses = new List<double>();
        using (var trainer = new SftTrainer(model, train, null, options, Path.Combine(dir, "work")))
            trainer.Train(new SyncProgress<TrainerProgress>(p => losses.Add(p.Loss)));
        Assert.Equal(12, losses.Count);
        Assert.True(losses[^1] < 0.8 * losses[0], $"bf16 loss {losses[0]} -> {losses[^1]}");
        Assert.All(model.parameters(), p => Assert.Equal(TorchSharp.torch.ScalarType.BFloat16, p.dtype));

        using var resumed = TrainerData.Model(TrainerData.Config(), seed: 5, dtype: TorchSharp.torch.ScalarType.BFloat16);
        using var again = new SftTrainer(resumed, train, null, options, Path.Combine(dir, "work"));
        Assert.True(again.Resume());
        Assert.Equal(12, again.Step);
        Assert.True(TrainerData.SameBits(model, resumed));
        Assert.Throws<ArgumentException>(() => new SftTrainer(resumed, train, null, options with { DType = TorchSharp.torch.ScalarType.Float32 }, dir));
    }

    [Fact]
    public void Fp32_master_weights_keep_updates_that_bf16_weights_round_away()
    {
        // lr 1e-5 on weights near 0.02, whose bf16 spacing is ~1.2e-4: each Adam step (~lr) is below half a
        // bf16 step, so pure bf16 weights stay put while fp32 masters accumulate the steps.
        var dir = TestPaths.NewTempDir();
        using var train = TrainerData.Shard(dir, "train", TrainerData.Counting(48, seed: 6));
        var options = TrainerData.Options with { BatchSize = 4, LearningRate = 1e-5, DType = TorchSharp.torch.ScalarType.BFloat16 };
        var changed = new Dictionary<bool, double>();
        foreach (bool useMasters in new[] { false, true })
        {
            using var initial = TrainerData.Model(TrainerData.Config(), dtype: TorchSharp.torch.ScalarType.BFloat16);
            using var model = TrainerData.Model(TrainerData.Config(), dtype: TorchSharp.torch.ScalarType.BFloat16);
            using (var trainer = new SftTrainer(model, train, null, options with { MasterWeights = useMasters }, Path.Combine(dir, useMasters.ToString())))
                Assert.Equal(12, trainer.Train().Steps);
            var before = initial.StateNames()["model.layers.0.mlp.up_proj.weight"];
            var after = model.StateNames()["model.layers.0.mlp.up_proj.weight"];
            changed[useMasters] = after.ne(before).to(TorchSharp.torch.ScalarType.Float32).mean().item<float>();
        }
        output.WriteLine($"up_proj elements changed after 12 steps at lr 1e-5: pure bf16 {changed[false]:P1}, fp32 masters {changed[true]:P1}");
        Assert.True(changed[true] > 0.5, $"masters: {changed[true]:P1} changed");
        Assert.True(changed[false] < 0.25, $"pure bf16: {changed[false]:P1} changed");
    }

    [Fact]
    public void Eight_bit_adamw_tracks_fp32_and_keeps_under_30_percent_of_its_state()
    {
        var dir = TestPaths.NewTempDir();
        using var train = TrainerData.Shard(dir, "train", TrainerData.Counting(32, seed: 4));
        var config = TrainerData.Config(vocab: 128, hidden: 128);           // every matrix >= 4096 elements
        var options = TrainerData.Options with { Epochs = 4, BatchSize = 4, LearningRate = 3e-3, WarmupRatio = 0.1, Schedule = ScheduleKind.Linear };
        var curves = new Dictionary<OptimizerKind, List<double>>();
        var bytes = new Dictionary<OptimizerKind, long>();
        foreach (var kind in new[] { OptimizerKind.AdamW, OptimizerKind.AdamW8bit })
        {
            using var model = TrainerData.Model(config);
            using var trainer = new SftTrainer(model, train, null, options with { Optimizer = kind }, Path.Combine(dir, kind.ToString()));
            var losses = new List<double>();
            trainer.Train(new SyncProgress<TrainerProgress>(p => losses.Add(p.Loss)));
            curves[kind] = losses;
            bytes[kind] = OptimizerMemory.StateBytes(trainer.Optimizer);
        }

        var fp32 = curves[OptimizerKind.AdamW];
        var q8 = curves[OptimizerKind.AdamW8bit];
        Assert.Equal(32, fp32.Count);
        Assert.True(fp32[^1] < 0.7 * fp32[0], $"fp32 loss {fp32[0]} -> {fp32[^1]}");
        // stated tolerance: every step's loss within 2% of fp32's on this run
        double worst = fp32.Zip(q8, (a, b) => Math.Abs(a - b) / a).Max();
        output.WriteLine($"fp32 {fp32[0]:F4} -> {fp32[^1]:F4}, 8-bit {q8[0]:F4} -> {q8[^1]:F4}, worst step difference {worst:P3}; state {bytes[OptimizerKind.AdamW8bit]} vs {bytes[OptimizerKind.AdamW]} bytes");
        Assert.True(worst < 0.02, $"8-bit loss differs from fp32 by up to {worst:P2}");
        Assert.True(bytes[OptimizerKind.AdamW8bit] <= 0.30 * bytes[OptimizerKind.AdamW], $"{bytes[OptimizerKind.AdamW8bit]} vs {bytes[OptimizerKind.AdamW]} bytes");
    }
}
