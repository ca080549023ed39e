using System.Buffers.Binary;

namespace Finetune.Pipeline.Mapping;

/// <summary>
/// Writes one token shard, the trainer's memory-mappable format: <c>NAME.ids.bin</c> (int32 little-endian,
/// rows concatenated), <c>NAME.mask.bin</c> (one byte per token, 1 = training target) and
/// <c>NAME.offsets.bin</c> (int64 little-endian, rows + 1 offsets starting at 0). Rows stream to disk.
/// </summary>
internal sealed class ShardWriter : IDisposable
{
    private readonly FileStream _ids;
    private readonly FileStream _mask;
    private readonly FileStream _offsets;
    private readonly byte[] _buffer = new byte[8];
    private long _tokens;

    public ShardWriter(string folder, string name)
    {
        _ids = File.Create(Path.Combine(folder, $"{name}.ids.bin"));
        _mask = File.Create(Path.Combine(folder, $"{name}.mask.bin"));
        _offsets = File.Create(Path.Combine(folder, $"{name}.offsets.bin"));
        WriteOffset(0);
    }

    public void Add(int[] ids, byte[] mask)
    {
        if (ids.Length != mask.Length) throw new ArgumentException("ids and mask differ in length");
        var bytes = new byte[ids.Length * 4];
        for (var i = 0; i < ids.Length; i++)
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), ids[i]);
        _ids.Write(bytes);
        _mask.Write(mask);
        _tokens += ids.Length;
        WriteOffset(_tokens);
    }

    private void WriteOffset(long offset)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer, offset);
        _offsets.Write(_buffer);
    }

    public void Dispose()
    {
        _ids.Dispose();
        _mask.Dispose();
        _offsets.Dispose();
    }
}
