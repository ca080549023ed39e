namespace Finetune.Torch.IO;

/// <summary>
/// Opens the weights of a model path: a .safetensors file, a Hugging Face folder (single file or
/// sharded), or a .gguf file. Pickle checkpoints are refused: unpickling runs arbitrary code.
/// </summary>
public static class Checkpoint
{
    public const string SingleFileName = "model.safetensors";

    private static readonly string[] PickleNames = ["pytorch_model.bin", "pytorch_model.bin.index.json", "model.pt", "model.pth"];
    private static readonly string[] PickleExtensions = [".bin", ".pt", ".pth", ".ckpt", ".pkl"];

    public static bool IsGguf(string path) => File.Exists(path) && path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase);

    /// <summary>The tensors at <paramref name="path"/> (for .gguf: translated to Hugging Face names and layout).</summary>
    public static ITensorSource Open(string path)
    {
        if (File.Exists(path))
        {
            RefuseIfPickle(path);
            if (IsGguf(path)) return GgufTensors.Open(path);
            if (path.EndsWith(ShardedSafetensors.IndexFileName, StringComparison.Ordinal)) return ShardedSafetensors.Open(path);
            return SafetensorsFile.Open(path);
        }
        if (!Directory.Exists(path)) throw new CheckpointException(path, "no such file or folder");
        var single = Path.Combine(path, SingleFileName);
        if (File.Exists(single)) return SafetensorsFile.Open(single);
        var index = Path.Combine(path, ShardedSafetensors.IndexFileName);
        if (File.Exists(index)) return ShardedSafetensors.Open(index);
        var pickle = PickleNames.Select(n => Path.Combine(path, n)).FirstOrDefault(File.Exists)
            ?? Directory.EnumerateFiles(path).Order(StringComparer.Ordinal).FirstOrDefault(IsPickleName);
        if (pickle != null) RefuseIfPickle(pickle);
        throw new CheckpointException(path, $"no {SingleFileName} or {ShardedSafetensors.IndexFileName} in this folder");
    }

    private static bool IsPickleName(string path)
    {
        string name = Path.GetFileName(path);
        return PickleNames.Contains(name, StringComparer.OrdinalIgnoreCase)
            || PickleExtensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Throws for a PyTorch pickle checkpoint, saying why and what to do instead.</summary>
    public static void RefuseIfPickle(string path)
    {
        if (IsPickleName(path))
            throw new CheckpointException(path,
                "PyTorch pickle checkpoints are not loaded because unpickling can execute arbitrary code; convert it to safetensors first "
                + "(e.g. in Python: model.save_pretrained(dir, safe_serialization=True))");
    }
}
