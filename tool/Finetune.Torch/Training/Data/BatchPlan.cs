using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>
/// The micro-batches of one epoch, as row indices: a micro-batch is a list of sequences, a sequence a list of
/// rows (one row, or several with packing). Deterministic from (seed, epoch): the epoch permutation of
/// <see cref="TrainingRng"/>, then either
/// <list type="bullet">
/// <item>length grouping as Hugging Face's <c>LengthGroupedSampler</c>: mega-batches of 50 x batch size,
/// each sorted by length (longest first), the longest row of the epoch swapped to the very front so an
/// out-of-memory shows at once; or</item>
/// <item>packing: rows concatenated in permutation order into sequences of at most max length (a row that
/// does not fit starts the next sequence).</item>
/// </list>
/// </summary>
public static class BatchPlan
{
    public const int MegaBatchFactor = 50;

    public static IReadOnlyList<int[][]> ForEpoch(IReadOnlyList<int> lengths, TrainerOptions options, long epoch)
    {
        var order = TrainingRng.Permutation(options.Seed, epoch, lengths.Count);
        var sequences = options.Packing
            ? Pack(order, lengths, options.MaxSeqLength!.Value)
            : (options.GroupByLength ? GroupByLength(order, lengths, options.BatchSize) : order).Select(r => new[] { r }).ToList();
        return sequences.Chunk(options.BatchSize).ToList();
    }

    /// <summary>HF's <c>get_length_grouped_indices</c> with <c>mega_batch_mult = 50</c>.</summary>
    public static int[] GroupByLength(int[] order, IReadOnlyList<int> lengths, int batchSize)
    {
        var megaBatches = order.Chunk(MegaBatchFactor * batchSize)
            .Select(m => m.OrderByDescending(r => lengths[r]).ToArray())
            .ToList();
        if (megaBatches.Count == 0) return [];
        int longest = 0;
        for (int i = 1; i < megaBatches.Count; i++)
            if (lengths[megaBatches[i][0]] > lengths[megaBatches[longest][0]]) longest = i;
        (megaBatches[0][0], megaBatches[longest][0]) = (megaBatches[longest][0], megaBatches[0][0]);
        return megaBatches.SelectMany(m => m).ToArray();
    }

    public static List<int[]> Pack(int[] order, IReadOnlyList<int> lengths, int maxLength)
    {
        var sequences = new List<int[]>();
        var current = new List<int>();
        int used = 0;
        foreach (int row in order)
        {
            if (current.Count > 0 && used + lengths[row] > maxLength)
            {
                sequences.Add(current.ToArray());
                current.Clear();
                used = 0;
            }
            current.Add(row);
            used += lengths[row];
        }
        if (current.Count > 0) sequences.Add(current.ToArray());
        return sequences;
    }
}
