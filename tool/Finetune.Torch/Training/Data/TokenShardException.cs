using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>A token shard file is malformed or a row breaks the format; the message names the file (and row).</summary>
public sealed class TokenShardException(string path, string message) : Exception($"{path}: {message}")
{
    public string FilePath { get; } = path;
}
