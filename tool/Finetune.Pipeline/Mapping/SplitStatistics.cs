using System.Numerics;
using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Mapping;

/// <summary>Counts for one split (train or test) as the map stage writes it.</summary>
public sealed class SplitStatistics
{
    /// <summary>Row count per length bucket, keyed by the bucket's upper bound (a power of two).</summary>
    private readonly SortedDictionary<long, int> _histogram = [];

    /// <summary>Rows the split received from the shuffle/split, before anything was skipped or dropped.</summary>
    public int RowsIn { get; private set; }

    /// <summary>Rows written to the shard.</summary>
    public int Rows { get; private set; }

    public long Tokens { get; private set; }

    public long LossTokens { get; private set; }

    /// <summary>Rows cut to max_seq_length (including those then dropped for having no loss tokens left).</summary>
    public int Truncated { get; private set; }

    /// <summary>Rows left out of the shard because no token carried loss, by reason.</summary>
    public SortedDictionary<string, int> Dropped { get; } = new(StringComparer.Ordinal);

    /// <summary>Bad rows skipped under <c>on_bad_row: skip</c>, by <see cref="BadRow.Reason"/>.</summary>
    public SortedDictionary<string, int> Skipped { get; } = new(StringComparer.Ordinal);

    /// <summary>Reason: the conversation has no loss token at all (e.g. no assistant message).</summary>
    public const string NoLossTokens = "no_loss_tokens";

    /// <summary>Reason: every loss token was past max_seq_length.</summary>
    public const string NoLossTokensAfterTruncation = "no_loss_tokens_after_truncation";

    public void CountIn() => RowsIn++;

    public void CountTruncated() => Truncated++;

    public void Skip(string reason) => Increment(Skipped, reason);

    public void Drop(string reason) => Increment(Dropped, reason);

    public void Add(TokenizedConversation row)
    {
        Rows++;
        Tokens += row.Ids.Length;
        LossTokens += row.LossTokens;
        var bucket = (long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(1, row.Ids.Length));
        _histogram[bucket] = _histogram.GetValueOrDefault(bucket) + 1;
    }

    /// <summary>
    /// The split as JSON. <c>length_histogram</c> lists the non-empty power-of-two buckets in order, each
    /// <c>{min, max, rows}</c> with lengths min..max inclusive (1..1, 2..2, 3..4, 5..8, ...).
    /// </summary>
    public JsonObject ToJson() => new()
    {
        ["rows_in"] = RowsIn,
        ["rows"] = Rows,
        ["tokens"] = Tokens,
        ["loss_tokens"] = LossTokens,
        ["truncated"] = Truncated,
        ["dropped"] = Counts(Dropped),
        ["skipped_bad_rows"] = Counts(Skipped),
        ["length_histogram"] = new JsonArray([.. _histogram.Select(b => (JsonNode)new JsonObject
        {
            ["min"] = b.Key == 1 ? 1 : b.Key / 2 + 1,
            ["max"] = b.Key,
            ["rows"] = b.Value,
        })]),
    };

    internal static JsonObject Counts(IEnumerable<KeyValuePair<string, int>> counts) =>
        new(counts.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)c.Value)));

    private static void Increment(SortedDictionary<string, int> counts, string reason) =>
        counts[reason] = counts.GetValueOrDefault(reason) + 1;
}
