using Finetune.Testing;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class TrainerFailureTests
{
    [Fact]
    public void Nan_loss_stops_with_the_step_and_keeps_the_last_checkpoint()
    {
        // Untied model with a NaN input row 63: only a batch containing token 63 gives a NaN loss.
        var dir = TestPaths.NewTempDir();
        var options = TrainerData.Options with { BatchSize = 1, GroupByLength = false, Save = SavePolicy.Steps(1) };
        var order = TrainingRng.Permutation(options.Seed, 0, 4);
        var rows = Enumerable.Range(0, 4).Select(i => TrainerData.AllLoss(1, 10 + i, 11 + i, 12 + i)).ToArray();
        rows[order[2]] = TrainerData.AllLoss(1, 63, 5, 6);                  // the third step's row
        using var shard = TrainerData.Shard(dir, "train", rows);
        using var model = TrainerData.Model(TrainerData.Config(tied: false));
        using (no_grad()) model.model.embed_tokens.weight![63].fill_(float.NaN);
        var work = Path.Combine(dir, "work");

        using var trainer = new SftTrainer(model, shard, null, options, work);
        var e = Assert.Throws<TrainingException>(() => trainer.Train());

        var last = Path.Combine(work, "checkpoints", "step-00000002");
        Assert.Equal(3, e.Step);
        Assert.Equal($"training step 3: loss is NaN; stopped before updating the weights; the last good checkpoint is {last}", e.Message);
        Assert.Equal(last, TrainerCheckpoint.Latest(work));
        Assert.Equal(2, TrainerCheckpoint.ReadState(last).Step);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(work, "metrics.jsonl")).Length);
    }

    [Fact]
    public void A_row_longer_than_max_seq_length_is_refused_before_training()
    {
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", [TrainerData.AllLoss(1, 2, 3), TrainerData.AllLoss(1, 2, 3, 4, 5)]);
        using var model = TrainerData.Model(TrainerData.Config());
        var e = Assert.Throws<TokenShardException>(() => new SftTrainer(model, shard, null, TrainerData.Options with { MaxSeqLength = 4 }, dir));
        Assert.Equal($"{shard.Prefix}.offsets.bin: row 1 has 5 tokens, more than max_seq_length 4", e.Message);
    }
}
