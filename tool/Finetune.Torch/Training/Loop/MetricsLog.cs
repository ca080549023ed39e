using System.Text.Json.Nodes;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// <c>metrics.jsonl</c>: one JSON object per line, appended and flushed as it is written. Training lines:
/// step, epoch, loss (mean token loss over the steps since the last line), lr, grad_norm, tokens_per_s,
/// elapsed_s. Eval lines: step, eval_loss.
/// </summary>
internal sealed class MetricsLog(string path)
{
    public string Path { get; } = path;

    public void Start(bool fresh)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        if (fresh || !File.Exists(Path)) File.WriteAllText(Path, "");
    }

    public void Train(long step, double epoch, double loss, double lr, double gradNorm, double tokensPerSecond, double elapsed) =>
        Append(new JsonObject
        {
            ["step"] = step,
            ["epoch"] = Math.Round(epoch, 4),
            ["loss"] = loss,
            ["lr"] = lr,
            ["grad_norm"] = gradNorm,
            ["tokens_per_s"] = Math.Round(tokensPerSecond, 1),
            ["elapsed_s"] = Math.Round(elapsed, 3),
        });

    public void Eval(long step, double evalLoss) => Append(new JsonObject { ["step"] = step, ["eval_loss"] = evalLoss });

    private void Append(JsonObject line) => File.AppendAllText(Path, line.ToJsonString() + "\n");
}
