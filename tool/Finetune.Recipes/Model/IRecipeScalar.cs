namespace Finetune.Recipes;

/// <summary>
/// A value written as one YAML string with its own syntax (e.g. <c>save: steps 500</c>, <c>max_shard_size: 5GB</c>).
/// <c>ToString()</c> gives the canonical spelling used in stage keys and the schema.
/// </summary>
public interface IRecipeScalar<TSelf> where TSelf : IRecipeScalar<TSelf>
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is allowed.</summary>
    static abstract bool TryParse(string text, out TSelf? value, out string error);

    /// <summary>JSON-schema pattern of the accepted spellings.</summary>
    static abstract string Pattern { get; }
}
