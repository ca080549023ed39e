namespace Finetune.Recipes;

/// <summary>What the map stage does with a row it cannot render (<c>data.on_bad_row</c>).</summary>
public enum BadRowPolicy
{
    /// <summary>Stop with an error naming the file and row.</summary>
    Error,

    /// <summary>Drop the row and count it in stats.json with the reason.</summary>
    Skip,
}
