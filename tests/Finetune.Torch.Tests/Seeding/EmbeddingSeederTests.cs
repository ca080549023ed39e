using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using static TorchSharp.torch;

namespace Finetune.Torch.Tests.Seeding;

public sealed class EmbeddingSeederTests
{
    // Old rows: [1,2], [3,4], [5,9] (hand values).
    private static Tensor Old() => tensor(new float[] { 1, 2, 3, 4, 5, 9 }, [3, 2]);

    private static float[] Row(Tensor t, int i) => t[i].data<float>().ToArray();

    [Fact]
    public void Copy_mean_subword_mean_and_zeros_give_the_hand_computed_rows()
    {
        using var old = Old();
        var plans = new[]
        {
            new NewRowPlan("<a>", 3, SeedMethod.Copy, [1]),
            new NewRowPlan("<b>", 4, SeedMethod.Mean, []),
            new NewRowPlan("<c>", 5, SeedMethod.SubwordMean, [0, 2]),
            new NewRowPlan("<d>", 6, SeedMethod.Zeros, []),
        };
        using var rows = EmbeddingSeeder.Seed(old, plans, rowCount: 5, firstNewId: 3, randomSeed: 1);
        Assert.Equal([5, 2], rows.shape);
        Assert.Equal([3f, 4f], Row(rows, 0));
        Assert.Equal([3f, 5f], Row(rows, 1));       // (1+3+5)/3, (2+4+9)/3
        Assert.Equal([3f, 5.5f], Row(rows, 2));     // rows 0 and 2
        Assert.Equal([0f, 0f], Row(rows, 3));
        Assert.Equal([0f, 0f], Row(rows, 4));       // a padding row stays zero
    }

    [Fact]
    public void Mean_cov_samples_stay_within_a_tiny_spread_around_the_mean_and_repeat_with_the_seed()
    {
        using var g = new Generator(3);
        using var old = randn([200, 8], generator: g);
        var plans = new[] { new NewRowPlan("<x>", 200, SeedMethod.MeanCov, []), new NewRowPlan("<y>", 201, SeedMethod.MeanCov, []) };
        using var a = EmbeddingSeeder.Seed(old, plans, 2, 200, randomSeed: 7);
        using var b = EmbeddingSeeder.Seed(old, plans, 2, 200, randomSeed: 7);
        Assert.True(a.eq(b).all().item<bool>());
        using var mean = old.mean([0]);
        // 1e-9 x covariance: a sample's distance from the mean is of order sqrt(1e-9 x 8) ~ 1e-4.
        Assert.True((a[0] - mean).abs().max().item<float>() < 1e-3);
        Assert.False(a[0].eq(a[1]).all().item<bool>()); // two samples, not the mean twice
    }

    [Fact]
    public void Seed_copies_reference_row_into_tied_head_so_five_tokens_share_one_logit()
    {
        // A tied model that is sure of token R after the prompt: R's row points along the final hidden state.
        var config = new ModelConfig
        {
            VocabSize = 40, HiddenSize = 16, IntermediateSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4,
            NumKeyValueHeads = 2, RmsNormEps = 1e-5, TieWordEmbeddings = true, MaxPositionEmbeddings = 64,
        };
        using var model = new CausalLM(config);
        int[] prompt = [1, 5, 7, 9];
        const int R = 20;
        using (no_grad())
        {
            using var ids = tensor(prompt.Select(i => (long)i).ToArray()).unsqueeze(0);
            using var h = model.model.forward(ids, null, null, null)[0, -1];             // final normed hidden
            model.model.embed_tokens.weight![R].copy_(h / h.norm() * 60);
        }
        double pR = NextTokenProbe.Probabilities(model, prompt, [R])[0];
        Assert.True(pR > 0.999, $"P(R) = {pR}");

        var plans = Enumerable.Range(0, 4).Select(i => new NewRowPlan($"<t{i}>", 40 + i, SeedMethod.Copy, [R])).ToList();
        using var rows = EmbeddingSeeder.Seed(model.model.embed_tokens.weight!, plans, rowCount: 8, firstNewId: 40, randomSeed: 0);
        SeedPatch.SetRows(model, 40, rows, null);                        // 4 new rows + 4 padding rows
        model.RealVocabSize = 44;
        var p = NextTokenProbe.Probabilities(model, prompt, [R, 40, 41, 42, 43, 44]);
        // Five equal logits carry what R had alone: each gets pR / 5 (up to the rest's tiny share).
        foreach (var pi in p.Take(5)) Assert.Equal(pR / 5, pi, 3);
        Assert.Equal(0.0, p[5]);                                         // a padding row is never produced
    }
}
