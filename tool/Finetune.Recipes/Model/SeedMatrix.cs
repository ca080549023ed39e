namespace Finetune.Recipes;

/// <summary>A weight matrix that gets seeded rows (<c>seed.rows</c>).</summary>
public enum SeedMatrix
{
    /// <summary>The input embedding (<c>embed_tokens</c>).</summary>
    Input,

    /// <summary>The output head (<c>lm_head</c>); ignored when tied to the input embedding.</summary>
    Output,
}
