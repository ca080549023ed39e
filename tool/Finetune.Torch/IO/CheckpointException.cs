namespace Finetune.Torch.IO;

/// <summary>
/// A checkpoint that cannot be used as it is (malformed file, missing or misshapen tensor, unsupported
/// format). The message is one line and names the file and, where there is one, the tensor.
/// </summary>
public sealed class CheckpointException : Exception
{
    public CheckpointException(string path, string message, Exception? inner = null)
        : base($"{path}: {message}", inner) => FilePath = path;

    public string FilePath { get; }
}
