using Finetune.Pipeline;

namespace Finetune.Tool.Output;

/// <summary>The one-line live bar a terminal redraws: <c>train     [█████░░░░░░░░░░░░░░░] step 120/675  loss 1.2345  lr 3.00e-3  8,123 tok/s  ETA 00:01:10</c>.</summary>
public static class ProgressBar
{
    public const int Cells = 20;

    /// <summary>The bar for <paramref name="stage"/>, cut to <paramref name="width"/> - 1 characters so the terminal never wraps it.</summary>
    public static string Render(string stage, StageProgress progress, int width)
    {
        double fraction = progress.Total > 0 ? Math.Clamp((double)progress.Done / progress.Total, 0, 1) : 0;
        int filled = (int)Math.Floor(fraction * Cells);
        var line = $"{stage,-9} [{new string('█', filled)}{new string('░', Cells - filled)}] {progress.Line()}";
        int room = Math.Max(1, width - 1);
        return line.Length <= room ? line : line[..room];
    }
}
