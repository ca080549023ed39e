using Finetune.Text.Gguf;
using Finetune.Torch.IO;
using Finetune.Torch.Llama;

namespace Finetune.Pipeline.Stages;

/// <summary>The base model's config, from config.json or a .gguf file's llama metadata.</summary>
public static class ModelConfigReader
{
    public static LlamaConfig Read(string modelPath) => ModelFiles.IsGguf(modelPath)
        ? GgufTensors.ConfigFrom(GgufFile.Read(modelPath))
        : LlamaConfig.Load(Path.Combine(modelPath, "config.json"));
}
