namespace Finetune.Pipeline.Stages;

/// <summary>
/// The files a model path consists of, by role label: a Hugging Face folder (config, tokenizer files,
/// one or several safetensors files) or a single .gguf file. Pickle weights are refused by name.
/// </summary>
public static class ModelFiles
{
    public static bool IsGguf(string modelPath) => modelPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);

    public static IEnumerable<(string Label, string Path)> Tokenizer(string modelPath)
    {
        if (IsGguf(modelPath))
        {
            yield return ("model/model.gguf", modelPath);
            yield break;
        }
        yield return ("model/tokenizer.json", Required(modelPath, "tokenizer.json"));
        var config = Path.Combine(modelPath, "tokenizer_config.json");
        if (File.Exists(config)) yield return ("model/tokenizer_config.json", config);
    }

    public static IEnumerable<(string Label, string Path)> Config(string modelPath)
    {
        if (IsGguf(modelPath))
        {
            yield return ("model/model.gguf", modelPath);
            yield break;
        }
        yield return ("model/config.json", Required(modelPath, "config.json"));
        var generation = Path.Combine(modelPath, "generation_config.json");
        if (File.Exists(generation)) yield return ("model/generation_config.json", generation);
    }

    public static IEnumerable<(string Label, string Path)> Weights(string modelPath)
    {
        if (IsGguf(modelPath))
        {
            yield return ("model/model.gguf", modelPath);
            yield break;
        }
        foreach (var pickle in new[] { "pytorch_model.bin", "model.bin", "model.pt", "model.pth" })
            if (File.Exists(Path.Combine(modelPath, pickle)) && !Directory.EnumerateFiles(modelPath, "*.safetensors").Any())
                throw new PipelineException($"{Path.Combine(modelPath, pickle)}: pickle checkpoints can run arbitrary code and are never loaded; convert the model to safetensors");
        var files = Directory.Exists(modelPath)
            ? Directory.EnumerateFiles(modelPath, "*.safetensors").OrderBy(f => f, StringComparer.Ordinal).ToList()
            : [];
        if (files.Count == 0) throw new PipelineException($"{modelPath}: no model.safetensors (or shards) in the model folder");
        var index = Path.Combine(modelPath, "model.safetensors.index.json");
        if (File.Exists(index)) yield return ("model/model.safetensors.index.json", index);
        foreach (var f in files) yield return ($"model/{Path.GetFileName(f)}", f);
    }

    private static string Required(string folder, string name)
    {
        if (!Directory.Exists(folder)) throw new PipelineException($"{folder}: model folder not found");
        var path = Path.Combine(folder, name);
        return File.Exists(path) ? path : throw new PipelineException($"{path}: not found (a Hugging Face model folder needs {name})");
    }
}
