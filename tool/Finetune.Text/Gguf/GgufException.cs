namespace Finetune.Text.Gguf;

/// <summary>A GGUF file that cannot be read; the message names the file and what is wrong.</summary>
public sealed class GgufException(string path, string message)
    : Exception($"{path}: {message}")
{
    public string FilePath { get; } = path;
}
