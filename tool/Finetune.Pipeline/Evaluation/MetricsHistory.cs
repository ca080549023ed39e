using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Evaluation;

/// <summary>The loss curves in the train stage's <c>metrics.jsonl</c>: training lines (step, loss) and eval lines (step, eval_loss).</summary>
public sealed record MetricsHistory(IReadOnlyList<(long Step, double Loss)> Train, IReadOnlyList<(long Step, double Loss)> Eval)
{
    public static MetricsHistory Read(string path)
    {
        var train = new List<(long, double)>();
        var eval = new List<(long, double)>();
        if (!File.Exists(path)) return new MetricsHistory(train, eval);
        int line = 0;
        foreach (var text in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            JsonObject row;
            try
            {
                row = JsonNode.Parse(text)!.AsObject();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
            {
                throw new PipelineException($"{path}:{line}: not a JSON object ({e.Message})");
            }
            if (row["step"] is not JsonValue step) continue;
            if (row["loss"] is JsonValue loss) train.Add(((long)step, (double)loss));
            if (row["eval_loss"] is JsonValue evalLoss) eval.Add(((long)step, (double)evalLoss));
        }
        return new MetricsHistory(train, eval);
    }
}
