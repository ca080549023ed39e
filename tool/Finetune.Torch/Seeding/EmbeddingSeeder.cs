using static TorchSharp.torch;

namespace Finetune.Torch.Seeding;

/// <summary>
/// Computes new embedding rows from old ones. Everything is done in float64 from the stored values and
/// returned as float32, so results do not depend on the model's dtype.
/// </summary>
public static class EmbeddingSeeder
{
    /// <param name="oldRows">(old_n, hidden) rows of the matrix being extended</param>
    /// <param name="plans">one per new token, in id order</param>
    /// <param name="rowCount">rows to produce (new tokens + padding rows; padding rows stay zero)</param>
    /// <param name="firstNewId">id of the first new row</param>
    /// <param name="randomSeed">seed for mean_cov and normal</param>
    /// <param name="initializerRange">std of <see cref="SeedMethod.Normal"/></param>
    /// <returns>(rowCount, hidden) float32</returns>
    public static Tensor Seed(Tensor oldRows, IReadOnlyList<NewRowPlan> plans, int rowCount, int firstNewId, long randomSeed, double initializerRange = 0.02)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var old = oldRows.to(ScalarType.Float64);                            // (n, hidden)
        long hidden = old.shape[1];
        var result = zeros([rowCount, hidden], ScalarType.Float64);
        var generator = new Generator((ulong)randomSeed);
        Tensor? mean = null;
        Tensor? cholesky = null;
        foreach (var plan in plans)
        {
            int row = plan.Id - firstNewId;
            if (row < 0 || row >= rowCount) throw new ArgumentException($"new token {plan.Token} has id {plan.Id}, outside the new rows");
            foreach (var source in plan.SourceIds)
                if (source < 0 || source >= old.shape[0]) throw new ArgumentException($"seed source id {source} for {plan.Token} is not an old row");
            result[row] = plan.Method switch
            {
                SeedMethod.Copy => old[plan.SourceIds.Single()],
                SeedMethod.Mean => mean ??= old.mean([0]),
                SeedMethod.SubwordMean => old.index_select(0, tensor(plan.SourceIds.Select(i => (long)i).ToArray())).mean([0]),
                SeedMethod.MeanCov => Sample(mean ??= old.mean([0]), cholesky ??= Cholesky(old, mean), generator),
                SeedMethod.Normal => normal(0.0, initializerRange, [hidden], dtype: ScalarType.Float64, generator: generator),
                SeedMethod.Zeros => zeros([hidden], ScalarType.Float64),
                _ => throw new ArgumentOutOfRangeException(nameof(plans)),
            };
        }
        return result.to(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Lower Cholesky factor of 1e-9 · covariance (transformers scales the covariance by 1e-9 so the
    /// samples stay close to the mean); null when it is not positive definite, in which case
    /// transformers falls back to the mean.
    /// </summary>
    private static Tensor? Cholesky(Tensor old, Tensor mean)
    {
        var centered = old - mean;
        var covariance = centered.t().matmul(centered) / old.shape[0] * 1e-9;   // (hidden, hidden)
        var (factor, info) = linalg.cholesky_ex(covariance);
        return info.item<int>() == 0 ? factor : null;
    }

    private static Tensor Sample(Tensor mean, Tensor? cholesky, Generator generator)
    {
        if (cholesky is null) return mean;
        var z = randn([mean.shape[0]], ScalarType.Float64, generator: generator);
        return mean + cholesky.matmul(z);
    }
}
