using System.ComponentModel;

namespace Finetune.Recipes;

/// <summary><c>model:</c> the base model.</summary>
public sealed record ModelSection
{
    /// <summary>Hugging Face model folder or .gguf file, relative to the recipe.</summary>
    [RecipeRequired, RecipePath(FileExtensions = ".gguf", What = "a Hugging Face model folder or a .gguf file",
        Needs = "a Hugging Face model folder with config.json, model.safetensors (or model-*.safetensors with model.safetensors.index.json), tokenizer.json and tokenizer_config.json, e.g. `hf download meta-llama/Llama-3.2-1B-Instruct --local-dir models/Llama-3.2-1B-Instruct`; the HF cache's models--ORG--NAME folder or its snapshots/<hash> folder works too; or a .gguf file")]
    [Description("Base model: a Hugging Face model folder or a .gguf file, relative to the recipe file.")]
    public string Path { get; init; } = "";

    /// <summary>Weight type the model is loaded and trained in.</summary>
    [Description("Floating-point type the weights are loaded in: fp32, bf16 or f16.")]
    public ModelDtype Dtype { get; init; } = ModelDtype.Bf16;

    /// <summary>Where tensors live.</summary>
    [Description("Device: auto (CUDA when available, else CPU), cpu or cuda.")]
    public ModelDevice Device { get; init; } = ModelDevice.Auto;
}
