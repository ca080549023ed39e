namespace Finetune.Pipeline.Evaluation;

/// <summary><c>loss.png</c>: training loss and eval loss against the optimizer step (ScottPlot, rendered headless by SkiaSharp).</summary>
public static class LossPlot
{
    public const int Width = 900;
    public const int Height = 500;

    public static void Write(string path, MetricsHistory history, string title)
    {
        var plot = new ScottPlot.Plot();
        Add(plot, history.Train, "train loss", ScottPlot.Colors.C0, markers: false);
        Add(plot, history.Eval, "eval loss", ScottPlot.Colors.C1, markers: true);
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("loss (mean token cross-entropy)");
        if (history.Train.Count + history.Eval.Count == 0)
            plot.Add.Annotation("metrics.jsonl has no loss lines");
        else
            plot.ShowLegend(ScottPlot.Alignment.UpperRight);
        plot.SavePng(path, Width, Height);
    }

    private static void Add(ScottPlot.Plot plot, IReadOnlyList<(long Step, double Loss)> points, string label, ScottPlot.Color color, bool markers)
    {
        if (points.Count == 0) return;
        var line = plot.Add.Scatter(points.Select(p => (double)p.Step).ToArray(), points.Select(p => p.Loss).ToArray(), color);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = markers ? 7 : 0;
    }
}
