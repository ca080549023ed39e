using System.Text.Json;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Mapping;

namespace Finetune.Pipeline.Evaluation;

/// <summary>Reads the map stage's <c>test_rows.jsonl</c> (see <see cref="DatasetMapper"/>): the one place that knows its fields.</summary>
public static class TestRows
{
    /// <summary>The first <paramref name="take"/> rows of the file, in shard order.</summary>
    public static IReadOnlyList<TestQuestion> Read(string path, int take)
    {
        var rows = new List<TestQuestion>();
        if (take <= 0) return rows;
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (text.Length == 0) continue;
            rows.Add(Parse(path, line, text));
            if (rows.Count == take) break;
        }
        return rows;
    }

    private static TestQuestion Parse(string path, int line, string text)
    {
        try
        {
            var row = JsonNode.Parse(text)!.AsObject();
            var user = row["messages"]!.AsArray().FirstOrDefault(m => (string?)m!["role"] == "user");
            return new TestQuestion(
                (int)row["index"]!,
                (string?)user?["content"] ?? (string)row["prompt"]!,
                (string)row["prompt"]!,
                row["prompt_ids"]!.AsArray().Select(id => (int)id!).ToList(),
                row["columns"]!.AsObject());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new PipelineException($"{path}:{line}: not a test row of the map stage ({e.Message})");
        }
    }
}
