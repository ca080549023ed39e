using Finetune.Testing;
using TorchSharp;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class TrainerPackingTests
{
    [Fact]
    public void A_packed_sequence_scores_each_row_as_if_it_ran_alone()
    {
        var rows = TrainerData.Counting(3, seed: 11);
        using var shard = TrainerData.Shard(TestPaths.NewTempDir(), "train", rows);
        using var model = TrainerData.Model(TrainerData.Config());
        using var noGrad = no_grad();
        var cpu = torch.CPU;

        using var packed = TrainingBatch.Collate(shard, [[0, 1, 2]], padId: 0, cpu);
        Assert.NotNull(packed.AttentionMask);
        Assert.Equal(rows.Sum(r => r.Ids.Length), packed.Ids.shape[1]);
        // positions restart at 0 for each row
        var positions = packed.Positions!.data<long>().ToArray();
        Assert.Equal(rows.SelectMany(r => Enumerable.Range(0, r.Ids.Length).Select(i => (long)i)), positions);
        double packedSum = MaskedCrossEntropy.NextTokenSum(model.forward(packed.Ids, null, packed.AttentionMask, packed.Positions), packed.Ids, packed.LossMask).item<float>();

        double separateSum = 0;
        long separateTokens = 0;
        for (int r = 0; r < 3; r++)
        {
            using var alone = TrainingBatch.Collate(shard, [[r]], padId: 0, cpu);
            Assert.Null(alone.AttentionMask);
            separateSum += MaskedCrossEntropy.NextTokenSum(model.forward(alone.Ids), alone.Ids, alone.LossMask).item<float>();
            separateTokens += alone.LossTokens;
        }
        Assert.Equal(separateTokens, packed.LossTokens);
        Assert.Equal(rows.Sum(r => r.Mask.Count(m => m == 1)), packed.LossTokens);
        Assert.True(Math.Abs(packedSum - separateSum) / separateSum < 1e-5, $"packed {packedSum} vs separate {separateSum}");
    }

    [Fact]
    public void Right_padding_does_not_change_a_rows_loss()
    {
        var rows = new List<(int[] Ids, byte[] Mask)> { TrainerData.AllLoss(1, 5, 6, 7, 8, 9, 10), TrainerData.AllLoss(1, 20, 21) };
        using var shard = TrainerData.Shard(TestPaths.NewTempDir(), "train", rows);
        using var model = TrainerData.Model(TrainerData.Config());
        using var noGrad = no_grad();
        using var both = TrainingBatch.Collate(shard, [[0], [1]], padId: 3, torch.CPU);
        using var shortAlone = TrainingBatch.Collate(shard, [[1]], padId: 3, torch.CPU);
        Assert.Equal(new long[] { 1, 20, 21, 3, 3, 3, 3 }, both.Ids[1].data<long>().ToArray());
        Assert.Equal(new[] { false, true, true, false, false, false, false }, both.LossMask[1].data<bool>().ToArray());
        var paddedLogits = model.forward(both.Ids).narrow(0, 1, 1).narrow(1, 0, 3);
        var aloneLogits = model.forward(shortAlone.Ids);
        Assert.True(TrainingTensors.RelativeError(paddedLogits, aloneLogits) < 1e-5);
    }

    [Fact]
    public void One_step_with_packing_updates_as_one_step_without()
    {
        var rows = TrainerData.Counting(8, seed: 5);
        var dir = TestPaths.NewTempDir();
        using var shard = TrainerData.Shard(dir, "train", rows);
        var config = TrainerData.Config();
        using var initial = TrainerData.Model(config);
        using var packedModel = TrainerData.Model(config);
        using var plainModel = TrainerData.Model(config);
        var options = TrainerData.Options with { BatchSize = 8, LearningRate = 1.0, Eps = 10, MaxGradNorm = 0, MaxSeqLength = 32 };

        using (var trainer = new SftTrainer(packedModel, shard, null, options with { Packing = true }, Path.Combine(dir, "packed")))
            Assert.Equal(1, trainer.Train().Steps);
        using (var trainer = new SftTrainer(plainModel, shard, null, options, Path.Combine(dir, "plain")))
            Assert.Equal(1, trainer.Train().Steps);

        Assert.True(TrainerAccumulationTests.MaxDeltaError(initial, packedModel, plainModel) < 1e-4);
    }
}
