using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class TrainerCheckpointTests
{
    [Fact]
    public void Epoch_checkpoints_keep_only_the_latest_with_its_data_position()
    {
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", TrainerData.Counting(10, seed: 3));   // 5 micro-batches of 2
        using var model = TrainerData.Model(TrainerData.Config());
        var work = Path.Combine(dir, "work");
        var stale = Directory.CreateDirectory(Path.Combine(work, "checkpoints", ".tmp-step-00000099")).FullName;  // as a crash leaves it
        var seen = new List<string?>();
        var options = TrainerData.Options with { Epochs = 3, GradientAccumulation = 2, Save = SavePolicy.Epoch, MaxSteps = 5 };
        using (var trainer = new SftTrainer(model, shard, null, options, work))
        {
            Assert.Equal(5, trainer.TotalSteps);                          // HF: 3 x (5 // 2) = 6, capped at 5; epoch 1 steps on 2 + 2 + 1 micro-batches
            trainer.Train(new SyncProgress<TrainerProgress>(p => seen.Add(TrainerCheckpoint.Latest(work))));
        }

        // progress comes before the step's save: the epoch checkpoint (step 3) is first seen at step 4
        Assert.Equal([null, null, null, "step-00000003", "step-00000003"], seen.Select(s => s is null ? null : Path.GetFileName(s)));
        Assert.Equal(["step-00000005"], Directory.GetDirectories(Path.Combine(work, "checkpoints")).Select(Path.GetFileName));
        Assert.False(Directory.Exists(stale));

        var state = JsonNode.Parse(File.ReadAllText(Path.Combine(work, "checkpoints", "step-00000005", "trainer_state.json")))!;
        Assert.Equal(5, (long)state["step"]!);
        Assert.Equal(5, (long)state["total_steps"]!);
        Assert.Equal(7ul, (ulong)state["data"]!["seed"]!);
        Assert.Equal(1, (long)state["data"]!["epoch"]!);                 // second epoch ...
        Assert.Equal(4, (long)state["data"]!["batches_done"]!);         // ... after steps 4 and 5 took 2 micro-batches each
        Assert.Equal(5, File.ReadAllLines(Path.Combine(work, "checkpoints", "step-00000005", "metrics.jsonl")).Length);
        Assert.True(File.Exists(Path.Combine(work, "checkpoints", "step-00000005", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(work, "checkpoints", "step-00000005", "optimizer.safetensors")));
    }

    [Fact]
    public void Save_epoch_keeps_the_weights_of_every_epoch_end_and_of_the_last_step()
    {
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", TrainerData.Counting(10, seed: 3));   // 5 micro-batches of 2
        using var model = TrainerData.Model(TrainerData.Config());
        var work = Path.Combine(dir, "work");
        // HF: 2 x (5 // 2) = 4 steps; epoch 1 steps on 2 + 2 + 1 micro-batches (ends at step 3), epoch 2 stops after step 4
        var options = TrainerData.Options with { Epochs = 2, GradientAccumulation = 2, Save = SavePolicy.Epoch };
        using (var trainer = new SftTrainer(model, shard, null, options, work))
        {
            Assert.Equal(4, trainer.TotalSteps);
            trainer.Train();
        }
        Assert.Equal(["checkpoint-3", "checkpoint-4"],
            Directory.GetDirectories(Path.Combine(work, SftTrainer.EpochsFolder)).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var last = Finetune.Torch.IO.SafetensorsFile.Open(Path.Combine(work, SftTrainer.EpochsFolder, "checkpoint-4", "model.safetensors"));
        using var weights = last.Read("model.embed_tokens.weight");
        Assert.True(TrainingTensors.BitEqual(weights, model.model.embed_tokens.weight!.detach()));
        Assert.True(File.Exists(Path.Combine(work, SftTrainer.EpochsFolder, "checkpoint-3", "config.json")), "an epoch checkpoint is a loadable model folder");
    }
}
