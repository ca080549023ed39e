using Finetune.Text.Gguf;
using Finetune.Torch.IO;
using Finetune.Torch.Models;

namespace Finetune.Pipeline.Stages;

/// <summary>The base model's config, from config.json or a .gguf file's llama metadata.</summary>
public static class ModelConfigReader
{
    public static ModelConfig Read(string modelPath) => ModelFiles.IsGguf(modelPath)
        ? GgufTensors.ConfigFrom(GgufFile.Read(modelPath))
        : ModelConfig.Load(Path.Combine(modelPath, "config.json"));
}
