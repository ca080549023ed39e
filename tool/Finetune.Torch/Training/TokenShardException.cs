namespace Finetune.Torch.Training;

/// <summary>A token shard file is malformed or a row breaks the format; the message names the file (and row).</summary>
public sealed class TokenShardException(string path, string message) : Exception($"{path}: {message}")
{
    public string FilePath { get; } = path;
}
