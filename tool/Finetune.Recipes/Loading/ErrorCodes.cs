namespace Finetune.Recipes;

/// <summary>The diagnostic codes; recipes/ERRORS.md explains each with an example.</summary>
public static class ErrorCodes
{
    /// <summary>The file is not valid YAML, has several documents, or cannot be read.</summary>
    public const string Syntax = "FT001";

    /// <summary>A key the recipe language does not know.</summary>
    public const string UnknownKey = "FT002";

    /// <summary>A key given twice in one mapping.</summary>
    public const string DuplicateKey = "FT003";

    /// <summary>A value of the wrong type (text where a number belongs, a list where a mapping belongs...).</summary>
    public const string WrongType = "FT004";

    /// <summary>A required key is missing.</summary>
    public const string MissingKey = "FT005";

    /// <summary>A number outside its allowed range.</summary>
    public const string OutOfRange = "FT006";

    /// <summary>A value that is not one of the allowed words.</summary>
    public const string BadEnum = "FT007";

    /// <summary>A path that does not exist.</summary>
    public const string MissingPath = "FT008";

    /// <summary>A regular expression that does not compile.</summary>
    public const string BadRegex = "FT009";

    /// <summary>Keys that contradict each other (e.g. strategy copy without from).</summary>
    public const string Conflict = "FT010";

    /// <summary>A bad entry in a list of tokens or values (empty, whitespace only, duplicate).</summary>
    public const string BadEntry = "FT011";

    /// <summary>A string with its own syntax that does not parse (name, save, max_shard_size).</summary>
    public const string BadFormat = "FT012";

    /// <summary>The recipe file itself cannot be read or is empty.</summary>
    public const string NoRecipe = "FT013";
}
