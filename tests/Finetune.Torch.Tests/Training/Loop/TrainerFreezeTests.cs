using Finetune.Testing;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Loop;

public sealed class TrainerFreezeTests
{
    [Theory]
    [InlineData(true, OptimizerKind.AdamW)]
    [InlineData(false, OptimizerKind.AdamW)]
    [InlineData(false, OptimizerKind.AdamW8bit)]
    public void While_frozen_only_new_rows_move_then_everything_trains(bool tied, OptimizerKind optimizer)
    {
        const int firstNew = 60;
        var dir = TestPaths.NewTempDir();
        var rows = TrainerData.Counting(10, seed: 8).Select((r, i) => (r.Ids.Append(firstNew + i % 4).ToArray(), r.Mask.Append((byte)1).ToArray())).ToList();
        using var shard = TrainerData.Shard(dir, "train", rows);            // 5 steps of 2 rows; new ids 60..63 in every step
        using var model = TrainerData.Model(TrainerData.Config(tied));
        var initial = model.StateNames().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone());
        var options = TrainerData.Options with { Optimizer = optimizer, LearningRate = 1e-2, WeightDecay = 0.1, FreezeNewRowsSteps = 3, FirstNewRow = firstNew };
        var matrices = tied ? new[] { "model.embed_tokens.weight" } : ["model.embed_tokens.weight", "lm_head.weight"];

        void CheckFrozen(long step)
        {
            foreach (var (name, p) in model.StateNames())
            {
                if (matrices.Contains(name))
                {
                    Assert.True(TrainingTensors.BitEqual(p.narrow(0, 0, firstNew).contiguous(), initial[name].narrow(0, 0, firstNew).contiguous()), $"step {step}: old rows of {name} moved");
                    Assert.False(TrainingTensors.BitEqual(p.narrow(0, firstNew, 4).contiguous(), initial[name].narrow(0, firstNew, 4).contiguous()), $"step {step}: new rows of {name} did not move");
                }
                else Assert.True(TrainingTensors.BitEqual(p, initial[name]), $"step {step}: {name} moved while frozen");
            }
        }

        using (var trainer = new SftTrainer(model, shard, null, options, Path.Combine(dir, "work")))
        {
            Assert.Equal(5, trainer.TotalSteps);
            trainer.Train(new SyncProgress<TrainerProgress>(p => { if (p.Step <= 3) CheckFrozen(p.Step); }));
        }

        foreach (var (name, p) in model.StateNames())
        {
            var moved = matrices.Contains(name) ? p.narrow(0, 0, firstNew).contiguous() : p;
            var before = matrices.Contains(name) ? initial[name].narrow(0, 0, firstNew).contiguous() : initial[name];
            Assert.False(TrainingTensors.BitEqual(moved, before), $"{name} did not train after the freeze");
        }
        foreach (var t in initial.Values) t.Dispose();
    }
}
