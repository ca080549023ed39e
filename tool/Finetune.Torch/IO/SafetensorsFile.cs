using TorchSharp;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace Finetune.Torch.IO;

/// <summary>
/// One .safetensors file: its header is read and fully validated on <see cref="Open"/>, before any
/// tensor data is touched; tensors are then read straight from the file into tensor memory.
/// </summary>
public sealed class SafetensorsFile : ITensorSource
{
    private const long MaxHeaderBytes = 100_000_000; // safetensors' own limit
    private readonly SafeFileHandle _handle;
    private readonly Dictionary<string, SafetensorsEntry> _entries;

    private SafetensorsFile(string path, SafeFileHandle handle, long dataStart,
        Dictionary<string, SafetensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _handle = handle;
        DataStart = dataStart;
        _entries = entries;
        Metadata = metadata;
        Names = entries.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public string Path { get; }
    public IReadOnlyList<string> Names { get; }
    public long DataStart { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public IReadOnlyDictionary<string, SafetensorsEntry> Entries => _entries;

    public static SafetensorsFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            var (dataStart, entries, metadata) = ReadHeader(path, handle);
            return new SafetensorsFile(path, handle, dataStart, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public bool Contains(string name) => _entries.ContainsKey(name);

    public long[] ShapeOf(string name) => Entry(name).Shape.ToArray();

    public ScalarType? DTypeOf(string name) => SafetensorsDType.ToTorch(Entry(name).DType);

    public SafetensorsEntry Entry(string name) => _entries.TryGetValue(name, out var e)
        ? e
        : throw new CheckpointException(Path, $"no tensor '{name}'");

    public Tensor Read(string name)
    {
        var entry = Entry(name);
        var type = SafetensorsDType.ToTorch(entry.DType)
            ?? throw new CheckpointException(Path, $"tensor '{name}' has dtype {entry.DType}; only F32, F16, BF16 and I64 are read");
        var tensor = empty(entry.Shape, type);
        try
        {
            TensorBytes.Read(_handle, DataStart + entry.Begin, tensor, Path, name);
            return tensor;
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
    }

    public void CopyTo(string name, Tensor destination)
    {
        var entry = Entry(name);
        if (!entry.Shape.SequenceEqual(destination.shape))
            throw new CheckpointException(Path, $"tensor '{name}' has shape [{string.Join(", ", entry.Shape)}], expected [{string.Join(", ", destination.shape)}]");
        using var _ = no_grad();
        if (destination.device_type == DeviceType.CPU && destination.is_contiguous()
            && SafetensorsDType.ToTorch(entry.DType) == destination.dtype)
        {
            TensorBytes.Read(_handle, DataStart + entry.Begin, destination, Path, name);
            return;
        }
        using var stored = Read(name);
        destination.copy_(stored);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary>At most the first 80 bytes of a header, as a quoted one-line string (never the whole, which may be MBs).</summary>
    internal static string Quote(ReadOnlySpan<byte> bytes)
    {
        const int Max = 80;
        var text = System.Text.Encoding.UTF8.GetString(bytes[..Math.Min(Max, bytes.Length)]);
        var clean = new string([.. text.Select(c => char.IsControl(c) ? '?' : c)]);
        return $"\"{clean}\"{(bytes.Length > Max ? $"... ({bytes.Length} bytes)" : "")}";
    }

    private static (long DataStart, Dictionary<string, SafetensorsEntry> Entries, IReadOnlyDictionary<string, string> Metadata)
        ReadHeader(string path, SafeFileHandle handle)
    {
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 8) throw new CheckpointException(path, $"file is {fileLength} bytes, shorter than the 8-byte header length");
        Span<byte> lengthBytes = stackalloc byte[8];
        RandomAccess.Read(handle, lengthBytes, 0);
        ulong headerLength = BitConverter.ToUInt64(lengthBytes);
        if (headerLength > (ulong)(fileLength - 8))
            throw new CheckpointException(path, $"header length {headerLength} runs past the end of the file ({fileLength} bytes)");
        if ((long)headerLength > MaxHeaderBytes)
            throw new CheckpointException(path, $"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        var headerBytes = new byte[headerLength];
        RandomAccess.Read(handle, headerBytes, 8);
        long dataStart = 8 + (long)headerLength;
        // JsonDocument checks UTF-8 only when a string is read; a name with a broken byte must fail here, cleanly.
        if (!System.Text.Unicode.Utf8.IsValid(headerBytes))
            throw new CheckpointException(path, $"header is not valid UTF-8 text; it starts with {Quote(headerBytes)}");

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(headerBytes);
        }
        catch (JsonException e)
        {
            var at = e.BytePositionInLine is { } b ? $" at byte {b + 1}" : "";
            throw new CheckpointException(path, $"header is not valid JSON{at}; it starts with {Quote(headerBytes)}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CheckpointException(path, "header is not a JSON object");
            var entries = new Dictionary<string, SafetensorsEntry>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (sawMetadata) throw new CheckpointException(path, "header has '__metadata__' twice");
                    sawMetadata = true;
                    ReadMetadata(path, property.Value, metadata);
                    continue;
                }
                if (entries.ContainsKey(property.Name))
                    throw new CheckpointException(path, $"tensor '{property.Name}' appears twice in the header");
                entries.Add(property.Name, ParseEntry(path, property.Name, property.Value));
            }
            long dataLength = ValidateLayout(path, entries.Values);
            if (dataStart + dataLength > fileLength)
                throw new CheckpointException(path, $"file is truncated: tensor data ends at byte {dataStart + dataLength} but the file has {fileLength} bytes");
            if (dataStart + dataLength < fileLength)
                throw new CheckpointException(path, $"file has {fileLength - dataStart - dataLength} bytes after the last tensor's data");
            return (dataStart, entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new CheckpointException(path, "'__metadata__' is not a JSON object");
        foreach (var m in value.EnumerateObject())
        {
            if (m.Value.ValueKind != JsonValueKind.String)
                throw new CheckpointException(path, $"'__metadata__' value '{m.Name}' is not a string");
            metadata[m.Name] = m.Value.GetString()!;
        }
    }

    private static SafetensorsEntry ParseEntry(string path, string name, JsonElement value)
    {
        CheckpointException Bad(string what) => new(path, $"tensor '{name}': {what}");
        if (value.ValueKind != JsonValueKind.Object) throw Bad("header entry is not a JSON object");
        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Bad("missing 'dtype'");
        string dtype = dtypeElement.GetString()!;
        int size = SafetensorsDType.SizeOf(dtype) ?? throw Bad($"unknown dtype '{dtype}'");
        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Bad("missing 'shape'");
        var shape = new long[shapeElement.GetArrayLength()];
        int i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out long n) || n < 0) throw Bad("shape holds a value that is not a non-negative integer");
            shape[i++] = n;
        }
        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Bad("'data_offsets' is not a pair [begin, end]");
        if (!offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end) || begin < 0 || end < begin)
            throw Bad("'data_offsets' are not 0 <= begin <= end");
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (a, b) => a * b) * size);
        }
        catch (OverflowException)
        {
            throw Bad("shape × dtype size overflows");
        }
        if (bytes != end - begin)
            throw Bad($"dtype {dtype} × shape [{string.Join(", ", shape)}] is {bytes} bytes but data_offsets span {end - begin}");
        return new SafetensorsEntry(name, dtype, shape, begin, end);
    }

    /// <summary>Tensors must tile the data area from 0 without gaps or overlaps; returns its length.</summary>
    private static long ValidateLayout(string path, IEnumerable<SafetensorsEntry> entries)
    {
        long expected = 0;
        SafetensorsEntry? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < expected)
                throw new CheckpointException(path, $"tensor '{e.Name}' data [{e.Begin}, {e.End}) overlaps tensor '{previous!.Name}' [{previous.Begin}, {previous.End})");
            if (e.Begin > expected)
                throw new CheckpointException(path, $"tensor '{e.Name}' data starts at {e.Begin}, leaving a gap after byte {expected}");
            expected = e.End;
            previous = e;
        }
        return expected;
    }
}
