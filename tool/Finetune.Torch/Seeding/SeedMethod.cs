namespace Finetune.Torch.Seeding;

/// <summary>How a new embedding row gets its first value.</summary>
public enum SeedMethod
{
    /// <summary>The row of one existing token.</summary>
    Copy,

    /// <summary>The mean of all old rows.</summary>
    Mean,

    /// <summary>A sample from N(mean, 1e-9 · covariance) of the old rows, as transformers' <c>mean_resizing</c> does.</summary>
    MeanCov,

    /// <summary>The mean of the rows of the pieces the token's text encoded to before it was added.</summary>
    SubwordMean,

    /// <summary>N(0, initializer_range²), transformers' default init.</summary>
    Normal,

    /// <summary>All zeros.</summary>
    Zeros,
}
