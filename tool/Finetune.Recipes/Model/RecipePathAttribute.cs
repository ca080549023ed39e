namespace Finetune.Recipes;

/// <summary>
/// The string value is a path relative to the recipe file that must exist when paths are checked (FT008).
/// <see cref="Except"/> names a literal value that is not a path (e.g. <c>model</c> for <c>data.chat_template</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RecipePathAttribute : Attribute
{
    /// <summary>A value that means "not a path" and is never checked.</summary>
    public string? Except { get; set; }

    /// <summary>What the path must hold, for the FT008 message when it is missing.</summary>
    public string? Needs { get; set; }

    /// <summary>Whether the path may name a folder.</summary>
    public bool AllowFolder { get; set; } = true;

    /// <summary>Space-separated file extensions a file must have (<c>.gguf</c>); null allows any file.</summary>
    public string? FileExtensions { get; set; }

    /// <summary>What the path must name, for messages.</summary>
    public string What { get; set; } = "a file or folder";
}
