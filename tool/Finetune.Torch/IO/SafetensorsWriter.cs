using TorchSharp;
using System.Text.Encodings.Web;
using System.Text.Json;
using static TorchSharp.torch;

namespace Finetune.Torch.IO;

/// <summary>
/// Writes .safetensors files as Hugging Face's own writer does: tensors ordered by dtype alignment
/// (largest first) then by name, compact JSON header with <c>__metadata__</c> first, padded with spaces
/// to a multiple of 8 bytes so every tensor's data is aligned. Written to a temp file and renamed.
/// </summary>
public static class SafetensorsWriter
{
    /// <summary>The metadata <c>transformers</c>' <c>save_pretrained</c> writes.</summary>
    public static IReadOnlyDictionary<string, string> PyTorchMetadata { get; } = new Dictionary<string, string> { ["format"] = "pt" };

    /// <summary>Writes the tensors; <paramref name="metadata"/> defaults to <see cref="PyTorchMetadata"/>, pass an empty map for none.</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        metadata ??= PyTorchMetadata;
        var ordered = tensors
            .Select(kv => (kv.Key, Tensor: kv.Value, DType: SafetensorsDType.FromTorch(kv.Value.dtype)))
            .OrderByDescending(t => SafetensorsDType.AlignmentRank(t.DType))
            .ThenBy(t => t.Key, StringComparer.Ordinal)
            .ToList();
        var duplicate = ordered.GroupBy(t => t.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate != null) throw new ArgumentException($"tensor '{duplicate.Key}' given twice");

        byte[] header = Header(ordered.Select(t => (t.Key, t.DType, t.Tensor.shape, t.Tensor.numel() * t.Tensor.ElementSize)), metadata);
        string temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(BitConverter.GetBytes((ulong)header.Length));
            stream.Write(header);
            foreach (var (_, tensor, _) in ordered)
            {
                using var cpu = tensor.device_type == DeviceType.CPU ? tensor.alias() : tensor.cpu();
                using var contiguous = cpu.contiguous();
                TensorBytes.Write(stream, contiguous);
            }
        }
        File.Move(temp, path, overwrite: true);
    }

    private static byte[] Header(IEnumerable<(string Name, string DType, long[] Shape, long Bytes)> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata.Count > 0)
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, dtype, shape, bytes) in tensors)
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", dtype);
                json.WriteStartArray("shape");
                foreach (long d in shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + bytes);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += bytes;
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
