namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// <c>loss.png</c>: training loss and eval loss (from step 0, before training) against the optimizer step, epoch ends
/// dashed (ScottPlot, rendered headless by SkiaSharp). What it plots is <see cref="LossCurves"/>.
/// </summary>
public static class LossPlot
{
    public const int Width = 900;
    public const int Height = 500;

    public static void Write(string path, LossCurves curves, string title)
    {
        var plot = new ScottPlot.Plot();
        Add(plot, curves.Train, "train loss", ScottPlot.Colors.C0, markers: false);
        Add(plot, curves.Eval, "eval loss", ScottPlot.Colors.C1, markers: true);
        for (int i = 0; i < curves.EpochEnds.Count; i++)
        {
            var end = plot.Add.VerticalLine(curves.EpochEnds[i]);
            end.LinePattern = ScottPlot.LinePattern.Dashed;
            end.LineWidth = 1;
            end.Color = ScottPlot.Colors.Gray;
            if (i == 0) end.LegendText = "epoch end";
        }
        plot.Title(title);
        plot.XLabel("step");
        plot.YLabel("loss (mean token cross-entropy)");
        if (curves.Train.Count + curves.Eval.Count == 0)
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
