namespace Finetune.Pipeline;

/// <summary>Codes of the errors <see cref="Preflight"/> finds (recipes/ERRORS.md, "Preflight"), after the loader's FT0xx.</summary>
public static class PreflightCodes
{
    /// <summary><c>export.format</c> names a format this build cannot write.</summary>
    public const string ExportFormat = "FT101";

    /// <summary><c>model.device: cuda</c> where no CUDA device is available.</summary>
    public const string NoCuda = "FT102";

    /// <summary><c>seed.rows</c> only seeds the output head, which the model ties to the input embedding.</summary>
    public const string TiedOutput = "FT103";

    /// <summary>A token of <c>tokens.add</c> is already in the model's tokenizer.</summary>
    public const string TokenExists = "FT104";

    /// <summary><c>train.max_seq_length</c> is above the model's <c>max_position_embeddings</c>.</summary>
    public const string SequenceTooLong = "FT105";

    /// <summary><c>train.batch_size</c> is larger than the number of training rows.</summary>
    public const string BatchTooLarge = "FT106";

    /// <summary>A <c>data.messages</c> template does not parse.</summary>
    public const string TemplateSyntax = "FT107";

    /// <summary>A <c>data.messages</c> template reads a column the first data row lacks.</summary>
    public const string MissingColumn = "FT108";

    /// <summary><c>export.path</c> is a folder the tool may not write (foreign files, the recipe's folder, the store, the model, the data).</summary>
    public const string ExportTarget = "FT109";

    /// <summary>The model or the data cannot be read for the checks above.</summary>
    public const string Unreadable = "FT110";

    /// <summary>A file named like the recipe's lock (<c>RECIPE.lock</c>) exists but is not a lock the tool wrote.</summary>
    public const string ForeignLock = "FT111";
}
