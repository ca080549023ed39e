using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary><c>export.gguf:</c> a .gguf file for llama.cpp, LM Studio and Ollama, written beside the Hugging Face files.</summary>
public sealed record GgufExportSection
{
    /// <summary>Tensor type of the weights.</summary>
    [Description("Tensor type of the .gguf weights: f32, f16, bf16 or q8_0 (norms and biases stay f32, as llama.cpp's converter writes them).")]
    public GgufTensorType Type { get; init; } = GgufTensorType.F16;
}
