using System.Text.Json;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Data;
using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Pipeline.Mapping;

/// <summary>
/// The map stage's work: rows → messages → chat-templated tokens with a loss mask → truncated to
/// max_seq_length → the train and test <see cref="TokenShard"/>s (<c>train.*.bin</c>, <c>test.*.bin</c>), <c>stats.json</c>
/// and <c>test_rows.jsonl</c> (each kept test row's columns, messages, prompt and expected completion,
/// in shard order, for the evaluate stage). <paramref name="cancellation"/> (Ctrl-C) is checked before each row.
/// </summary>
public sealed class DatasetMapper(MessageMapper messages, ConversationTokenizer conversations, BadRowPolicy onBadRow, int maxSeqLength,
    CancellationToken cancellation = default)
{
    public const string TrainShard = "train";
    public const string TestShard = "test";
    public const string StatsFile = "stats.json";
    public const string TestRowsFile = "test_rows.jsonl";

    /// <summary>Reads the dataset, applies take/shuffle/test_fraction, and writes everything into <paramref name="outputDir"/>.</summary>
    public MapStatistics Run(string datasetPath, int? take, double testFraction, int shuffleSeed, string outputDir)
    {
        var rows = DatasetSplitter.Take(DatasetReader.Open(datasetPath, cancellation), take);
        return Write(DatasetSplitter.Split(rows, null, testFraction, shuffleSeed), rows.Count, outputDir);
    }

    /// <summary>Hears (rows mapped, rows in the split) after every row; null = nobody listens.</summary>
    public Action<int, int>? Progress { get; init; }

    /// <summary>Maps an already split dataset; <paramref name="rowsRead"/> is recorded in stats.json.</summary>
    public MapStatistics Write(DatasetSplit split, int rowsRead, string outputDir)
    {
        var stats = new MapStatistics(rowsRead, maxSeqLength, conversations.LossOn);
        int mapped = 0, total = split.Train.Count + split.Test.Count;
        using (var train = new TokenShardWriter(Path.Combine(outputDir, TrainShard)))
            foreach (var row in split.Train)
            {
                if (Process(row, stats.Train) is { } done)
                    train.Append(done.Tokens.Ids, done.Tokens.Mask);
                Progress?.Invoke(++mapped, total);
            }
        if (stats.Train.Rows == 0)
            throw NothingLeft(split, stats.Train);

        using (var test = new TokenShardWriter(Path.Combine(outputDir, TestShard)))
        using (var testRows = new StreamWriter(Path.Combine(outputDir, TestRowsFile)))
        {
            var index = 0;
            foreach (var row in split.Test)
            {
                Progress?.Invoke(++mapped, total);
                if (Process(row, stats.Test) is not { } done) continue;
                test.Append(done.Tokens.Ids, done.Tokens.Mask);
                testRows.Write(TestRow(index++, row, done).ToJsonString(JsonLine));
                testRows.Write('\n');
            }
        }
        stats.Save(Path.Combine(outputDir, StatsFile));
        return stats;
    }

    /// <summary>Every training row was skipped or dropped: say why, naming the data file, before an empty shard reaches training.</summary>
    private static DataException NothingLeft(DatasetSplit split, SplitStatistics train)
    {
        var reasons = train.Dropped.Concat(train.Skipped).Select(r => $"{r.Value} {r.Key.Replace('_', ' ')}");
        var file = split.Train.Concat(split.Test).Select(r => r.SourceFile).FirstOrDefault(f => f != null);
        return new DataException(file, null, $"no training row is left after mapping ({string.Join(", ", reasons)}); check data.messages, loss_on and max_seq_length");
    }

    private static readonly JsonSerializerOptions JsonLine = new() { WriteIndented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private sealed record Mapped(IReadOnlyList<ChatMessage> Messages, TokenizedConversation Tokens);

    /// <summary>The row's shard entry, or null when it was skipped (bad) or dropped (no loss tokens); counts either way.</summary>
    private Mapped? Process(DataRow row, SplitStatistics stats)
    {
        cancellation.ThrowIfCancellationRequested();
        stats.CountIn();
        var (mapped, bad) = messages.Map(row);
        TokenizedConversation? tokens = null;
        if (mapped != null)
        {
            try
            {
                tokens = conversations.Tokenize(mapped);
            }
            catch (TemplateException e)
            {
                bad = new BadRow(BadRow.ChatTemplateError, $"the chat template failed on this row: {e.Message}");
            }
            catch (TemplatePrefixException e)
            {
                throw new DataException(row.SourceFile, row.Location, e.Message, e);
            }
        }
        if (bad != null)
        {
            if (onBadRow == BadRowPolicy.Error)
                throw new DataException(row.SourceFile, row.Location, $"{bad.Problem} (on_bad_row: skip drops such rows)");
            stats.Skip(bad.Reason);
            return null;
        }
        if (tokens!.LossTokens == 0)
        {
            stats.Drop(SplitStatistics.NoLossTokens);
            return null;
        }
        if (tokens.Ids.Length > maxSeqLength)
        {
            stats.CountTruncated();
            tokens = tokens.Truncate(maxSeqLength);
            if (tokens.LossTokens == 0)
            {
                stats.Drop(SplitStatistics.NoLossTokensAfterTruncation);
                return null;
            }
        }
        stats.Add(tokens);
        return new Mapped(mapped!, tokens);
    }

    /// <summary>
    /// <c>{index, source, columns, messages, prompt, prompt_ids, completion}</c>: the prompt is the conversation
    /// before the first assistant message with the generation prompt; the completion that message's content.
    /// </summary>
    private JsonObject TestRow(int index, DataRow row, Mapped done)
    {
        var answerAt = done.Messages.ToList().FindIndex(m => m.Role == "assistant");
        var before = answerAt < 0 ? done.Messages : done.Messages.Take(answerAt).ToList();
        var (prompt, promptIds) = conversations.RenderPrompt(before);
        return new JsonObject
        {
            ["index"] = index,
            ["source"] = row.ToString(),
            ["columns"] = row.Values.DeepClone(),
            ["messages"] = new JsonArray([.. done.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]),
            ["prompt"] = prompt,
            ["prompt_ids"] = new JsonArray([.. promptIds.Select(id => (JsonNode)id)]),
            ["completion"] = answerAt < 0 ? null : done.Messages[answerAt].Content,
        };
    }
}
