using System.Globalization;

namespace Finetune.Pipeline;

/// <summary>
/// How far a long stage is: <see cref="Done"/> of <see cref="Total"/> units (train: optimizer steps), a preformatted
/// <see cref="Detail"/> (train: the logged loss, lr, tokens/s) and the time left. A terminal redraws a bar on every
/// update; a redirected console prints only the <see cref="Milestone"/> ones as lines (train: the log_every steps).
/// </summary>
public sealed record StageProgress(long Done, long Total, string Unit, string Detail, TimeSpan? Eta, bool Milestone)
{
    /// <summary>The plain line: <c>step 120/675  loss 1.2345  lr 2.97e-3  8,123 tok/s  ETA 00:01:10</c>.</summary>
    public string Line()
    {
        var parts = new List<string> { string.Create(CultureInfo.InvariantCulture, $"{Unit} {Done}/{Total}") };
        if (Detail.Length > 0) parts.Add(Detail);
        if (Eta is { } eta) parts.Add($"ETA {Clock(eta)}");
        return string.Join("  ", parts);
    }

    /// <summary>hh:mm:ss, hours past 24 kept (100:00:00), never negative.</summary>
    public static string Clock(TimeSpan span)
    {
        long seconds = Math.Max(0, (long)Math.Round(span.TotalSeconds));
        return string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}");
    }

    /// <summary>
    /// A counter's progress for a loop of <paramref name="total"/> items started at <paramref name="since"/>: ETA from
    /// the mean time per item so far; a milestone every tenth of the way, but never more often than every 10 items
    /// (a short loop prints no lines: the stage's summary follows at once).
    /// </summary>
    public static StageProgress Counting(long done, long total, string unit, System.Diagnostics.Stopwatch since, string detail = "")
    {
        long every = Math.Max(10, (total + 9) / 10);
        TimeSpan? eta = done > 0 ? TimeSpan.FromSeconds(since.Elapsed.TotalSeconds / done * (total - done)) : null;
        return new(done, total, unit, detail, eta, done > 0 && done % every == 0);
    }
}
