using Finetune.Torch.Models;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Pipeline.Evaluation;

/// <summary>Runs a model over every row of a token shard and feeds the loss positions to a <see cref="TeacherForcedTally"/>.</summary>
public static class ShardScoring
{
    /// <summary>
    /// For each row <c>x0..xn</c>: the logits at position i-1 score token i wherever <c>mask[i] = 1</c>
    /// (the shard's loss tokens; mask[0] never is). Rows are run one at a time, without padding; <paramref name="cancellation"/>
    /// (Ctrl-C) is checked before each.
    /// </summary>
    public static void Score(CausalLM model, TokenShard shard, TeacherForcedTally tally, CancellationToken cancellation = default)
    {
        using var _ = no_grad();
        var device = model.OutputWeight.device;
        for (int r = 0; r < shard.RowCount; r++)
        {
            cancellation.ThrowIfCancellationRequested();
            var (ids, mask) = shard.ReadRow(r);
            var positions = new List<long>();
            var targets = new List<int>();
            for (int i = 1; i < ids.Length; i++)
            {
                if (mask[i] == 0) continue;
                positions.Add(i - 1);
                targets.Add(ids[i]);
            }
            if (targets.Count == 0) continue;
            using var scope = NewDisposeScope();
            var input = tensor(ids.Take(ids.Length - 1).Select(i => (long)i).ToArray(), device: device).unsqueeze(0); // (1, T-1)
            var logits = model.forward(input, null)[0];                                                            // (T-1, V)
            tally.Add(logits.index_select(0, tensor(positions.ToArray(), device: device)), targets);                // (N, V)
        }
    }
}
