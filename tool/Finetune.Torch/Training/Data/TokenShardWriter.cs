using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>
/// Writes a <see cref="TokenShard"/>: rows are appended one at a time and streamed to disk, so memory stays
/// flat however large the shard grows. Each row's mask must be 0/1 with mask[0] = 0 (the first token of a
/// row has no previous token to be predicted from). Dispose (or <see cref="Complete"/>) flushes the files.
/// </summary>
public sealed class TokenShardWriter : IDisposable
{
    private const int BufferBytes = 1 << 20;
    private readonly FileStream ids;
    private readonly FileStream mask;
    private readonly FileStream offsets;
    private bool completed;

    public TokenShardWriter(string prefix)
    {
        Prefix = prefix;
        var folder = Path.GetDirectoryName(Path.GetFullPath(prefix));
        if (folder != null) Directory.CreateDirectory(folder);
        ids = Create(TokenShard.IdsPath(prefix));
        mask = Create(TokenShard.MaskPath(prefix));
        offsets = Create(TokenShard.OffsetsPath(prefix));
        offsets.Write(BitConverter.GetBytes(0L));
    }

    public string Prefix { get; }
    public int RowCount { get; private set; }
    public long TokenCount { get; private set; }
    public long LossTokenCount { get; private set; }

    /// <summary>Appends one row: token ids and the loss mask (1 = this token is a trained target).</summary>
    public void Append(ReadOnlySpan<int> rowIds, ReadOnlySpan<byte> rowMask)
    {
        ObjectDisposedException.ThrowIf(completed, this);
        if (rowIds.Length == 0) throw new ArgumentException($"row {RowCount}: a row needs at least one token", nameof(rowIds));
        if (rowMask.Length != rowIds.Length)
            throw new ArgumentException($"row {RowCount}: {rowIds.Length} ids but {rowMask.Length} mask values", nameof(rowMask));
        if (rowMask[0] != 0)
            throw new ArgumentException($"row {RowCount}: mask[0] must be 0 (the first token is never a target)", nameof(rowMask));
        foreach (byte m in rowMask)
        {
            if (m > 1) throw new ArgumentException($"row {RowCount}: mask values must be 0 or 1, found {m}", nameof(rowMask));
            LossTokenCount += m;
        }
        foreach (int id in rowIds)
            if (id < 0) throw new ArgumentException($"row {RowCount}: negative token id {id}", nameof(rowIds));
        Span<byte> buffer = stackalloc byte[4];
        foreach (int id in rowIds)
        {
            BitConverter.TryWriteBytes(buffer, id);  // little-endian on every platform .NET 10 runs on here
            ids.Write(buffer);
        }
        mask.Write(rowMask);
        TokenCount += rowIds.Length;
        RowCount++;
        offsets.Write(BitConverter.GetBytes(TokenCount));
    }

    /// <summary>Flushes and closes the three files.</summary>
    public void Complete()
    {
        if (completed) return;
        completed = true;
        ids.Dispose();
        mask.Dispose();
        offsets.Dispose();
    }

    public void Dispose() => Complete();

    private static FileStream Create(string path) =>
        new(path, FileMode.Create, FileAccess.Write, FileShare.None, BufferBytes);
}
