using Microsoft.Win32.SafeHandles;
using TorchSharp;
using static TorchSharp.torch;

namespace Finetune.Torch.IO;

/// <summary>
/// Raw byte transfer between files and tensor memory through <c>Tensor.bytes</c>: data goes straight
/// from the file into the tensor (one copy, no managed buffer), in chunks so tensors over 2 GiB work.
/// </summary>
internal static class TensorBytes
{
    internal const long DefaultChunk = 1L << 30;

    /// <summary>Fills a contiguous CPU tensor with <c>dest.numel * element size</c> bytes read at <paramref name="offset"/>.</summary>
    public static void Read(SafeFileHandle file, long offset, Tensor dest, string path, string name, long chunk = DefaultChunk)
    {
        if (dest.device_type != DeviceType.CPU || !dest.is_contiguous())
            throw new ArgumentException("destination must be a contiguous CPU tensor", nameof(dest));
        long total = dest.numel() * dest.ElementSize;
        long elementsPerChunk = Math.Max(1, chunk / dest.ElementSize);
        using var flat = dest.view(-1);
        for (long start = 0; start < dest.numel(); start += elementsPerChunk)
        {
            long count = Math.Min(elementsPerChunk, dest.numel() - start);
            using var part = flat.narrow(0, start, count);
            var span = part.bytes;
            long at = offset + start * dest.ElementSize;
            while (!span.IsEmpty)
            {
                int n = RandomAccess.Read(file, span, at);
                if (n <= 0) throw new CheckpointException(path, $"tensor '{name}': file ends before its {total} bytes of data");
                span = span[n..];
                at += n;
            }
        }
    }

    /// <summary>Writes a contiguous CPU tensor's bytes to a stream, in chunks.</summary>
    public static void Write(Stream stream, Tensor src, long chunk = DefaultChunk)
    {
        if (src.device_type != DeviceType.CPU || !src.is_contiguous())
            throw new ArgumentException("source must be a contiguous CPU tensor", nameof(src));
        long elementsPerChunk = Math.Max(1, chunk / src.ElementSize);
        using var flat = src.view(-1);
        for (long start = 0; start < src.numel(); start += elementsPerChunk)
        {
            long count = Math.Min(elementsPerChunk, src.numel() - start);
            using var part = flat.narrow(0, start, count);
            stream.Write(part.bytes);
        }
    }
}
