namespace Finetune.Text.Gguf;

/// <summary>
/// Writes a GGUF v3 file as llama.cpp's <c>gguf-py</c> does: header, metadata, tensor directory (dimensions
/// fastest first, offsets relative to the data section), zero padding to the 32-byte alignment, then each
/// tensor's data padded to the alignment. The file appears under its name only when complete.
/// </summary>
public static class GgufWriter
{
    public const int Alignment = 32;
    private const uint Magic = 0x46554747; // "GGUF"

    /// <summary>Bytes of a tensor of this type and torch shape (Q8_0 rows must be whole blocks of 32).</summary>
    public static long ByteLength(GgufType type, long[] torchShape)
    {
        long n = torchShape.Aggregate(1L, (a, d) => a * d);
        return type switch
        {
            GgufType.F32 => n * 4,
            GgufType.F16 or GgufType.BF16 => n * 2,
            GgufType.Q8_0 when torchShape[^1] % GgufQ8.BlockSize == 0 => n / GgufQ8.BlockSize * GgufQ8.BlockBytes,
            GgufType.Q8_0 => throw new ArgumentException($"a Q8_0 row of {torchShape[^1]} values is not whole blocks of {GgufQ8.BlockSize}"),
            _ => throw new ArgumentException($"GGUF type {type} is not written"),
        };
    }

    public static void Write(string path, GgufMetadata metadata, IReadOnlyList<GgufTensorEntry> tensors)
    {
        var temp = path + $".{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
                Write(stream, metadata, tensors);
            File.Move(temp, path);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    public static void Write(Stream stream, GgufMetadata metadata, IReadOnlyList<GgufTensorEntry> tensors)
    {
        using var w = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(3u);
        w.Write((ulong)tensors.Count);
        w.Write((ulong)metadata.Count);
        metadata.WriteTo(w);
        long offset = 0;
        var lengths = new long[tensors.Count];
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            GgufMetadata.WriteString(w, t.Name);
            w.Write((uint)t.TorchShape.Length);
            foreach (var d in t.TorchShape.Reverse()) w.Write((ulong)d);
            w.Write((uint)t.Type);
            w.Write((ulong)offset);
            lengths[i] = ByteLength(t.Type, t.TorchShape);
            offset += Padded(lengths[i]);
        }
        w.Flush();
        Pad(stream);
        for (int i = 0; i < tensors.Count; i++)
        {
            long start = stream.Position;
            tensors[i].WriteData(stream);
            if (stream.Position - start != lengths[i])
                throw new InvalidOperationException($"tensor '{tensors[i].Name}' wrote {stream.Position - start} bytes, expected {lengths[i]}");
            Pad(stream);
        }
    }

    private static long Padded(long n) => (n + Alignment - 1) / Alignment * Alignment;

    private static void Pad(Stream stream)
    {
        int pad = (int)(Padded(stream.Position) - stream.Position);
        if (pad > 0) stream.Write(new byte[pad]);
    }
}
