using Finetune.Testing;
using Finetune.Torch.Tests.Training.Loop;
using Finetune.Torch.Training.Loop;
using Finetune.Torch.Training.Lora;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Training.Lora;

/// <summary>
/// Activation checkpointing recomputes each block in backward; with LoRA dropout the recomputation must draw the
/// masks the first forward drew (torch.utils.checkpoint's preserve_rng_state), or the gradients belong to another
/// network than the loss.
/// </summary>
public sealed class LoraCheckpointingTests
{
    private const int FirstNew = 60;

    private static (List<(string Name, Tensor Value)> Trained, double Loss) Train(string dir, double dropout, bool checkpointing)
    {
        var rows = TrainerData.Counting(8, seed: 5).Select((r, i) => (r.Ids.Append(FirstNew + i % 4).ToArray(), r.Mask.Append((byte)1).ToArray())).ToList();
        using var shard = TrainerData.Shard(dir, "train", rows);
        using var model = TrainerData.Model(TrainerData.Config());
        using var adapter = LoraAdapter.Attach(model, new LoraOptions { Rank = 4, Alpha = 8, Dropout = dropout, FirstNewRow = FirstNew, NewRowCount = 4, Seed = 3 });
        var options = TrainerData.Options with { BatchSize = 2, GradientAccumulation = 2, MaxSteps = 2, LearningRate = 1e-2, Checkpointing = checkpointing };
        using var trainer = new SftTrainer(model, shard, null, options, dir, adapter);
        var result = trainer.Train();
        Assert.Equal(checkpointing, model.model.GradientCheckpointing);
        return (adapter.Parameters.Select(p => (p.Name, p.P.detach().clone())).ToList(), result.LastLoss);
    }

    [Fact]
    public void Checkpointing_with_LoRA_dropout_gives_the_same_update_as_keeping_the_activations()
    {
        var dir = TestPaths.NewTempDir();
        var kept = Train(Path.Combine(dir, "kept"), 0.3, checkpointing: false);
        var recomputed = Train(Path.Combine(dir, "recomputed"), 0.3, checkpointing: true);
        var noDropout = Train(Path.Combine(dir, "plain"), 0.0, checkpointing: false);

        Assert.Equal(kept.Loss, recomputed.Loss, 6);
        Assert.NotEqual(kept.Loss, noDropout.Loss, 3);                                   // the masks act
        foreach (var ((name, a), (_, b)) in recomputed.Trained.Zip(kept.Trained))
            Assert.True(TrainingTensors.RelativeError(a, b) < 1e-5, $"{name}: {TrainingTensors.RelativeError(a, b)}");
    }
}
