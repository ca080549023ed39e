using Finetune.Pipeline.Evaluation;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Tests.Evaluation;

public sealed class TeacherForcedTallyTests
{
    [Fact]
    public void Eval_loss_is_the_token_weighted_mean_and_perplexity_its_exp()
    {
        // softmax([0, 0, ln 2]) = [1/4, 1/4, 1/2]: gold 2 costs ln 2, gold 0 costs ln 4; a second batch adds ln 4 once more.
        var tally = new TeacherForcedTally([]);
        using var first = tensor(new float[] { 0, 0, MathF.Log(2), 0, 0, MathF.Log(2) }, [2, 3]);
        tally.Add(first, [2, 0]);
        using var second = tensor(new float[] { 0, 0, MathF.Log(2) }, [1, 3]);
        tally.Add(second, [1]);

        double expected = (Math.Log(2) + Math.Log(4) + Math.Log(4)) / 3;   // = (5/3) ln 2
        Assert.Equal(3, tally.Tokens);
        Assert.Equal(expected, tally.MeanLoss!.Value, 6);
        Assert.Equal(Math.Pow(2, 5.0 / 3), tally.Perplexity!.Value, 5);
    }

    [Fact]
    public void No_positions_give_no_loss()
    {
        var tally = new TeacherForcedTally([("a", 1)]);
        Assert.Null(tally.MeanLoss);
        Assert.Null(tally.Perplexity);
        Assert.Equal(new TokenScore("a", 1, 0, null, null), Assert.Single(tally.TokenScores()));
    }

    [Fact]
    public void Rank_counts_ties_against_the_gold_token_and_accuracy_needs_a_strict_top()
    {
        using var logits = tensor(new float[]
        {
            1, 3, 3, 2,   // gold 1 ties with id 2 at the top: rank 2, not accurate
            5, 1, 0, 2,   // gold 1 below 5 and 2: rank 3
            0, 4, 1, 1,   // gold 1 strictly on top: rank 1
            0, 0, 9, 0,   // gold 2 on top: rank 1
            7, 0, 0, 0,   // gold 0 is not watched
        }, [5, 4]);
        var tally = new TeacherForcedTally([("a", 1), ("b", 2), ("c", 3)]);
        tally.Add(logits, [1, 1, 1, 2, 0]);

        Assert.Equal(
            [new TokenScore("a", 1, 3, 1.0 / 3, 2.0), new TokenScore("b", 2, 1, 1.0, 1.0), new TokenScore("c", 3, 0, null, null)],
            tally.TokenScores());
    }

    [Fact]
    public void Logits_of_another_dtype_are_scored_in_float32()
    {
        var tally = new TeacherForcedTally([("x", 0)]);
        using var logits = tensor(new float[] { 0, 0, 0, 0 }, [1, 4]).to_type(ScalarType.BFloat16);
        tally.Add(logits, [0]);
        Assert.Equal(Math.Log(4), tally.MeanLoss!.Value, 6);
        Assert.Equal(4.0, tally.TokenScores()[0].MeanRank);   // all tie: the conservative rank is the last
    }
}
