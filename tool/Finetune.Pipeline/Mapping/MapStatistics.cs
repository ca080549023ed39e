using System.Text.Json;
using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Mapping;

/// <summary>What the map stage did, written as stats.json: totals, then each split's <see cref="SplitStatistics"/>.</summary>
public sealed class MapStatistics(int rowsRead, int maxSeqLength, LossOn lossOn)
{
    /// <summary>Rows read from the dataset (after <c>take</c>).</summary>
    public int RowsRead { get; } = rowsRead;

    public SplitStatistics Train { get; } = new();

    public SplitStatistics Test { get; } = new();

    public JsonObject ToJson()
    {
        SplitStatistics[] both = [Train, Test];
        return new JsonObject
        {
            ["rows_read"] = RowsRead,
            ["max_seq_length"] = maxSeqLength,
            ["loss_on"] = lossOn.ToString().ToLowerInvariant(),
            ["rows"] = both.Sum(s => s.Rows),
            ["tokens"] = both.Sum(s => s.Tokens),
            ["loss_tokens"] = both.Sum(s => s.LossTokens),
            ["truncated"] = both.Sum(s => s.Truncated),
            ["dropped"] = SplitStatistics.Counts(Merge(both.Select(s => s.Dropped))),
            ["skipped_bad_rows"] = SplitStatistics.Counts(Merge(both.Select(s => s.Skipped))),
            ["splits"] = new JsonObject { ["train"] = Train.ToJson(), ["test"] = Test.ToJson() },
        };
    }

    public void Save(string path) =>
        File.WriteAllText(path, ToJson().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    private static SortedDictionary<string, int> Merge(IEnumerable<SortedDictionary<string, int>> parts)
    {
        var total = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var part in parts)
            foreach (var (reason, count) in part)
                total[reason] = total.GetValueOrDefault(reason) + count;
        return total;
    }
}
