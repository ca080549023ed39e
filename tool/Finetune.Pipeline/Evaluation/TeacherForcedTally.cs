using static TorchSharp.torch;

namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// Accumulates teacher-forced statistics over loss positions: the summed negative log-likelihood of the
/// gold tokens (for a token-weighted mean loss) and, for each watched token, how it ranked where it is gold.
/// A rank counts ties against the gold token: rank = number of vocabulary entries whose logit is at
/// least the gold logit (so 1 only when it is strictly the highest).
/// </summary>
public sealed class TeacherForcedTally(IReadOnlyList<(string Token, int Id)> watched)
{
    private readonly long[] _counts = new long[watched.Count];
    private readonly long[] _top = new long[watched.Count];
    private readonly long[] _rankSums = new long[watched.Count];

    public double NllSum { get; private set; }
    public long Tokens { get; private set; }

    /// <summary>Token-weighted mean loss over every position added so far; null before any.</summary>
    public double? MeanLoss => Tokens == 0 ? null : NllSum / Tokens;

    /// <summary>exp(mean loss); null before any position.</summary>
    public double? Perplexity => MeanLoss is double loss ? Math.Exp(loss) : null;

    /// <summary>Adds positions: <paramref name="logits"/> (N, V) each scoring the gold id in <paramref name="targets"/> (N).</summary>
    public void Add(Tensor logits, IReadOnlyList<int> targets)
    {
        if (logits.shape[0] != targets.Count) throw new ArgumentException($"{logits.shape[0]} logit rows for {targets.Count} targets");
        if (targets.Count == 0) return;
        using var scope = NewDisposeScope();
        var scores = logits.to_type(ScalarType.Float32);                                         // (N, V)
        var gold = tensor(targets.Select(t => (long)t).ToArray(), device: scores.device).unsqueeze(1); // (N, 1)
        var goldLogits = scores.gather(1, gold);                                                 // (N, 1)
        NllSum -= scores.log_softmax(1).gather(1, gold).to_type(ScalarType.Float64).sum().item<double>();
        Tokens += targets.Count;

        if (watched.Count == 0) return;
        var ranks = (scores >= goldLogits).sum(1).cpu().data<long>().ToArray();                  // (N)
        for (int n = 0; n < targets.Count; n++)
            for (int w = 0; w < watched.Count; w++)
            {
                if (watched[w].Id != targets[n]) continue;
                _counts[w]++;
                _rankSums[w] += ranks[n];
                if (ranks[n] == 1) _top[w]++;
            }
    }

    public IReadOnlyList<TokenScore> TokenScores() => watched.Select((t, w) => new TokenScore(
        t.Token, t.Id, _counts[w],
        _counts[w] == 0 ? null : (double)_top[w] / _counts[w],
        _counts[w] == 0 ? null : (double)_rankSums[w] / _counts[w])).ToList();
}
