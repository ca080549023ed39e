using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary><c>export:</c> the final model folder or file.</summary>
public sealed record ExportSection
{
    /// <summary>Export format.</summary>
    [Description("Format: hf (Hugging Face folder with safetensors) or gguf.")]
    public ExportFormat Format { get; init; } = ExportFormat.Hf;

    /// <summary>Destination relative to the recipe; null keeps the export in the store only.</summary>
    [Description("Destination folder (hf) or file (gguf), relative to the recipe file. null: only in the store.")]
    public string? Path { get; init; }

    /// <summary>Type of the exported weights.</summary>
    [Description("Type of the exported weights: fp32, bf16 or f16.")]
    public ModelDtype Dtype { get; init; } = ModelDtype.Bf16;

    /// <summary>With <c>train.method: lora</c>: also write the adapter in PEFT's layout.</summary>
    [Description("With `train.method: lora`: also write adapter/ (adapter_config.json, adapter_model.safetensors and the tokenizer files) that PEFT loads onto the resized base model.")]
    public bool Adapter { get; init; }

    /// <summary>Largest safetensors shard (hf).</summary>
    [Description("Largest safetensors shard of an hf export, e.g. 5GB (decimal units) or 2GiB (binary units).")]
    public ByteSize MaxShardSize { get; init; } = ByteSize.FromBytes(5_000_000_000);

    /// <summary>Also write a .gguf file beside the Hugging Face files; null writes none.</summary>
    [Description("Also write a .gguf file (llama.cpp, LM Studio, Ollama) beside the Hugging Face files, e.g. {type: q8_0}. null: none.")]
    public GgufExportSection? Gguf { get; init; }
}
