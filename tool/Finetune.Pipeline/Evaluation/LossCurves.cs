namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// What <c>loss.png</c> plots: the training loss lines of metrics.jsonl, the eval loss with the model before training
/// at step 0 (the evaluate stage's measure of the seeded base on the same test shard) ahead of the trainer's eval lines,
/// and a dashed line at every epoch end but the last (which is the run's end).
/// </summary>
public sealed record LossCurves(IReadOnlyList<(long Step, double Loss)> Train, IReadOnlyList<(long Step, double Loss)> Eval, IReadOnlyList<long> EpochEnds)
{
    /// <param name="evalLossBefore">the eval loss before training (NaN or null: no step-0 point)</param>
    /// <param name="epochEnds">the steps after which an epoch ended (train.json's <c>epoch_ends</c>)</param>
    public static LossCurves Of(MetricsHistory history, double? evalLossBefore, IReadOnlyList<long> epochEnds)
    {
        var eval = history.Eval.Where(p => p.Step > 0).ToList();
        if (evalLossBefore is double before && double.IsFinite(before)) eval.Insert(0, (0, before));
        long last = history.Train.Concat(history.Eval).Select(p => p.Step).DefaultIfEmpty(0).Max();
        return new(history.Train, eval, epochEnds.Where(e => e > 0 && e < last).Order().ToList());
    }
}
