namespace Finetune.Recipes;

/// <summary>How the embedding rows of new tokens are initialised (<c>seed.strategy</c>).</summary>
public enum SeedStrategy
{
    /// <summary>Copy the row of the token named by <c>seed.from</c>.</summary>
    Copy,

    /// <summary>Mean of all existing rows.</summary>
    Mean,

    /// <summary>Sample from a normal with the mean and covariance of existing rows (Hugging Face's default).</summary>
    MeanCov,

    /// <summary>Mean of the rows of the sub-tokens the new token's text encoded to before it was added.</summary>
    SubwordMean,

    /// <summary>Normal with the initializer range of the model config.</summary>
    Normal,

    /// <summary>All zeros.</summary>
    Zeros,
}
