namespace Finetune.Recipes;

/// <summary>Export format (<c>export.format</c>).</summary>
public enum ExportFormat
{
    /// <summary>A Hugging Face model folder (safetensors).</summary>
    Hf,

    /// <summary>A single GGUF file.</summary>
    Gguf,
}
