using Microsoft.Win32.SafeHandles;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Training.Data;

/// <summary>
/// A shard of tokenized training rows, three files sharing a prefix:
/// <list type="bullet">
/// <item><c>&lt;prefix&gt;.ids.bin</c>: int32 little-endian token ids, all rows concatenated;</item>
/// <item><c>&lt;prefix&gt;.mask.bin</c>: one byte per token; mask[i] = 1 means token i is a target: the loss
/// of predicting it from tokens 0..i-1 of its row is trained. mask[0] of every row is 0;</item>
/// <item><c>&lt;prefix&gt;.offsets.bin</c>: int64 little-endian, rows + 1 values; row r is tokens
/// [offsets[r], offsets[r+1]); offsets[0] = 0, strictly increasing (no empty rows), last = token count.</item>
/// </list>
/// Opening validates the sizes and offsets; rows are read on demand by random access (the ids and mask are
/// never loaded whole, only the offsets, 8 bytes per row).
/// </summary>
public sealed class TokenShard : IDisposable
{
    private readonly SafeFileHandle ids;
    private readonly SafeFileHandle mask;
    private readonly long[] offsets;

    private TokenShard(string prefix, SafeFileHandle ids, SafeFileHandle mask, long[] offsets)
    {
        Prefix = prefix;
        this.ids = ids;
        this.mask = mask;
        this.offsets = offsets;
    }

    public string Prefix { get; }
    public int RowCount => offsets.Length - 1;
    public long TokenCount => offsets[^1];
    public int LongestRow { get; private init; }

    public static string IdsPath(string prefix) => prefix + ".ids.bin";
    public static string MaskPath(string prefix) => prefix + ".mask.bin";
    public static string OffsetsPath(string prefix) => prefix + ".offsets.bin";

    /// <summary>Opens and validates the shard at <paramref name="prefix"/> (e.g. <c>store/map/KEY/train</c>).</summary>
    public static TokenShard Open(string prefix)
    {
        var offsets = ReadOffsets(OffsetsPath(prefix));
        long tokens = offsets[^1];
        SafeFileHandle? idsHandle = null, maskHandle = null;
        try
        {
            idsHandle = OpenRead(IdsPath(prefix));
            maskHandle = OpenRead(MaskPath(prefix));
            long idsBytes = RandomAccess.GetLength(idsHandle), maskBytes = RandomAccess.GetLength(maskHandle);
            if (idsBytes != tokens * 4)
                throw new TokenShardException(IdsPath(prefix), $"has {idsBytes} bytes but the offsets give {tokens} tokens ({tokens * 4} bytes)");
            if (maskBytes != tokens)
                throw new TokenShardException(MaskPath(prefix), $"has {maskBytes} bytes but the offsets give {tokens} tokens");
            int longest = 0;
            for (int r = 0; r + 1 < offsets.Length; r++) longest = (int)Math.Max(longest, offsets[r + 1] - offsets[r]);
            return new TokenShard(prefix, idsHandle, maskHandle, offsets) { LongestRow = longest };
        }
        catch
        {
            idsHandle?.Dispose();
            maskHandle?.Dispose();
            throw;
        }
    }

    public int RowLength(int row) => (int)(offsets[row + 1] - offsets[row]);

    /// <summary>Reads row <paramref name="row"/> into spans of exactly <see cref="RowLength"/> values.</summary>
    public void ReadRow(int row, Span<int> rowIds, Span<byte> rowMask)
    {
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"the shard has {RowCount} rows");
        int length = RowLength(row);
        if (rowIds.Length != length || rowMask.Length != length)
            throw new ArgumentException($"row {row} has {length} tokens; spans must be exactly that long");
        long start = offsets[row];
        ReadExactly(ids, System.Runtime.InteropServices.MemoryMarshal.AsBytes(rowIds), start * 4, IdsPath(Prefix));
        ReadExactly(mask, rowMask, start, MaskPath(Prefix));
        foreach (byte m in rowMask)
            if (m > 1) throw new TokenShardException(MaskPath(Prefix), $"row {row}: mask value {m} is not 0 or 1");
    }

    public (int[] Ids, byte[] Mask) ReadRow(int row)
    {
        var rowIds = new int[RowLength(row)];
        var rowMask = new byte[rowIds.Length];
        ReadRow(row, rowIds, rowMask);
        return (rowIds, rowMask);
    }

    public void Dispose()
    {
        ids.Dispose();
        mask.Dispose();
    }

    private static long[] ReadOffsets(string path)
    {
        using var handle = OpenRead(path);
        long bytes = RandomAccess.GetLength(handle);
        if (bytes < 8 || bytes % 8 != 0)
            throw new TokenShardException(path, $"has {bytes} bytes; offsets are int64 values, at least one (rows + 1)");
        if (bytes / 8 > int.MaxValue)
            throw new TokenShardException(path, $"has {bytes / 8 - 1} rows, more than {int.MaxValue - 1}");
        var offsets = new long[bytes / 8];
        ReadExactly(handle, System.Runtime.InteropServices.MemoryMarshal.AsBytes(offsets.AsSpan()), 0, path);
        if (offsets[0] != 0) throw new TokenShardException(path, $"first offset is {offsets[0]}, not 0");
        for (int r = 0; r + 1 < offsets.Length; r++)
            if (offsets[r + 1] <= offsets[r])
                throw new TokenShardException(path, $"row {r}: offsets not strictly increasing ({offsets[r]} then {offsets[r + 1]})");
        return offsets;
    }

    private static SafeFileHandle OpenRead(string path)
    {
        if (!File.Exists(path)) throw new TokenShardException(path, "file not found (a token shard is <prefix>.ids.bin, .mask.bin and .offsets.bin)");
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset, string path)
    {
        while (!destination.IsEmpty)
        {
            int n = RandomAccess.Read(handle, destination, offset);
            if (n <= 0) throw new TokenShardException(path, $"ends before byte {offset + destination.Length}");
            destination = destination[n..];
            offset += n;
        }
    }
}
