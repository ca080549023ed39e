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

    /// <summary>
    /// Writes <c>model-0000i-of-0000n.safetensors</c> shards of at most <paramref name="maxShardBytes"/> each
    /// (a larger tensor gets its own shard) and <c>model.safetensors.index.json</c>, as <c>save_pretrained</c> does;
    /// a checkpoint that fits in one shard is written as a single <c>model.safetensors</c>. Returns the files written.
    /// </summary>
    public static IReadOnlyList<string> WriteSharded(string folder, IEnumerable<KeyValuePair<string, Tensor>> tensors, long maxShardBytes)
    {
        var shards = new List<List<KeyValuePair<string, Tensor>>> { new() };
        long used = 0, total = 0;
        foreach (var kv in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            long bytes = kv.Value.numel() * kv.Value.ElementSize;
            if (used > 0 && used + bytes > maxShardBytes)
            {
                shards.Add([]);
                used = 0;
            }
            shards[^1].Add(kv);
            used += bytes;
            total += bytes;
        }
        Directory.CreateDirectory(folder);
        if (shards.Count == 1)
        {
            var single = Path.Combine(folder, Checkpoint.SingleFileName);
            Write(single, shards[0]);
            return [single];
        }
        var written = new List<string>();
        var weightMap = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < shards.Count; i++)
        {
            string name = $"model-{i + 1:D5}-of-{shards.Count:D5}.safetensors";
            Write(Path.Combine(folder, name), shards[i]);
            foreach (var kv in shards[i]) weightMap[kv.Key] = name;
            written.Add(Path.Combine(folder, name));
        }
        var index = new { metadata = new { total_size = total }, weight_map = weightMap };
        var indexPath = Path.Combine(folder, ShardedSafetensors.IndexFileName);
        File.WriteAllText(indexPath, JsonSerializer.Serialize(index, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        written.Add(indexPath);
        return written;
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
