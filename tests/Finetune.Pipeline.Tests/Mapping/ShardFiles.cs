using System.Buffers.Binary;

namespace Finetune.Pipeline.Tests.Mapping;

/// <summary>Reads a token shard back by the format's definition (int32 ids, uint8 mask, int64 offsets, all little-endian).</summary>
internal static class ShardFiles
{
    public static List<(int[] Ids, byte[] Mask)> Read(string folder, string name)
    {
        var idBytes = File.ReadAllBytes(Path.Combine(folder, $"{name}.ids.bin"));
        var mask = File.ReadAllBytes(Path.Combine(folder, $"{name}.mask.bin"));
        var offsetBytes = File.ReadAllBytes(Path.Combine(folder, $"{name}.offsets.bin"));
        var ids = Enumerable.Range(0, idBytes.Length / 4).Select(i => BinaryPrimitives.ReadInt32LittleEndian(idBytes.AsSpan(i * 4))).ToArray();
        var offsets = Offsets(folder, name);
        Assert.Equal(0, offsets[0]);
        Assert.Equal(ids.Length, offsets[^1]);
        Assert.Equal(ids.Length, mask.Length);
        return [.. offsets.Zip(offsets.Skip(1)).Select(p => (ids[(int)p.First..(int)p.Second], mask[(int)p.First..(int)p.Second]))];
    }

    public static long[] Offsets(string folder, string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, $"{name}.offsets.bin"));
        return [.. Enumerable.Range(0, bytes.Length / 8).Select(i => BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(i * 8)))];
    }
}
