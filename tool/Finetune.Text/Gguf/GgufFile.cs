using System.Text;

namespace Finetune.Text.Gguf;

/// <summary>
/// A GGUF file's header, metadata and tensor directory (versions 2 and 3), read and validated
/// without touching tensor data. Metadata values are <c>string</c>, <c>long</c> (all integer types;
/// u64 above <c>long.MaxValue</c> is refused), <c>double</c> (f32/f64), <c>bool</c>, or arrays:
/// <c>string[]</c>, <c>long[]</c>, <c>float[]</c> (f32), <c>double[]</c> (f64), <c>bool[]</c>.
/// </summary>
public sealed class GgufFile
{
    private const uint Magic = 0x46554747; // "GGUF" little-endian
    private const int DefaultAlignment = 32;

    public required string FilePath { get; init; }
    public required int Version { get; init; }
    public required IReadOnlyDictionary<string, object> Metadata { get; init; }
    public required IReadOnlyList<GgufTensorInfo> Tensors { get; init; }
    public required long DataOffset { get; init; }

    public string Architecture => GetString("general.architecture") ?? "";

    public string? GetString(string key) => Metadata.TryGetValue(key, out var v) ? v as string : null;

    public long? GetInteger(string key) => Metadata.TryGetValue(key, out var v) && v is long l ? l : null;

    public double? GetNumber(string key) => Metadata.TryGetValue(key, out var v)
        ? v switch { double d => d, long l => l, _ => null }
        : null;

    public T? GetArray<T>(string key) where T : class => Metadata.TryGetValue(key, out var v) ? v as T : null;

    public GgufTensorInfo? FindTensor(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    public static bool IsGguf(string path)
    {
        if (!File.Exists(path)) return false;
        using var fs = File.OpenRead(path);
        Span<byte> head = stackalloc byte[4];
        return fs.Read(head) == 4 && BitConverter.ToUInt32(head) == Magic;
    }

    public static GgufFile Read(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        var reader = new Reader(stream, path);
        if (reader.U32() != Magic) throw new GgufException(path, "not a GGUF file (bad magic)");
        int version = (int)reader.U32();
        if (version is < 2 or > 3) throw new GgufException(path, $"unsupported GGUF version {version} (2 and 3 are read)");
        long tensorCount = reader.Count("tensor count", minBytesEach: 32);
        long kvCount = reader.Count("metadata count", minBytesEach: 12);

        var metadata = new Dictionary<string, object>(StringComparer.Ordinal);
        for (long i = 0; i < kvCount; i++)
        {
            string key = reader.String();
            var type = (ValueType)reader.U32();
            if (!metadata.TryAdd(key, reader.Value(type, key)))
                throw new GgufException(path, $"duplicate metadata key '{key}'");
        }

        var infos = new List<(string Name, long[] Dims, GgufType Type, ulong RelOffset)>();
        for (long i = 0; i < tensorCount; i++)
        {
            string name = reader.String();
            uint nDims = reader.U32();
            if (nDims is 0 or > 8) throw new GgufException(path, $"tensor '{name}' has {nDims} dimensions");
            var dims = new long[nDims];
            for (int d = 0; d < nDims; d++)
            {
                ulong n = reader.U64();
                if (n == 0 || n > int.MaxValue) throw new GgufException(path, $"tensor '{name}' has dimension {n}");
                dims[d] = (long)n;
            }
            var type = (GgufType)reader.U32();
            infos.Add((name, dims, type, reader.U64()));
        }

        long alignment = metadata.TryGetValue("general.alignment", out var a) && a is long al && al > 0 ? al : DefaultAlignment;
        long dataOffset = (stream.Position + alignment - 1) / alignment * alignment;
        var tensors = new List<GgufTensorInfo>(infos.Count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, dims, type, rel) in infos)
        {
            if (!names.Add(name)) throw new GgufException(path, $"duplicate tensor '{name}'");
            long offset = dataOffset + (long)rel;
            long? bytes = ByteLengthOf(type, dims);
            if (rel > (ulong)stream.Length || offset + (bytes ?? 0) > stream.Length)
                throw new GgufException(path, $"tensor '{name}' data lies beyond the end of the file");
            tensors.Add(new GgufTensorInfo(name, dims, type, offset, bytes));
        }
        return new GgufFile { FilePath = path, Version = version, Metadata = metadata, Tensors = tensors, DataOffset = dataOffset };
    }

    private static long? ByteLengthOf(GgufType type, long[] dims)
    {
        long n = dims.Aggregate(1L, (x, d) => x * d);
        return type switch
        {
            GgufType.F32 or GgufType.I32 => n * 4,
            GgufType.F16 or GgufType.BF16 or GgufType.I16 => n * 2,
            GgufType.F64 or GgufType.I64 => n * 8,
            GgufType.I8 => n,
            GgufType.Q8_0 when dims[0] % GgufQ8.BlockSize == 0 => n / GgufQ8.BlockSize * GgufQ8.BlockBytes,
            _ => null,
        };
    }

    private enum ValueType : uint
    {
        U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, Bool = 7, String = 8, Array = 9, U64 = 10, I64 = 11, F64 = 12,
    }

    /// <summary>Little-endian reads with bounds checks; every failure names the file.</summary>
    private sealed class Reader(Stream stream, string path)
    {
        private readonly byte[] _buf = new byte[8];

        private ReadOnlySpan<byte> Take(int n)
        {
            if (stream.ReadAtLeast(_buf.AsSpan(0, n), n, throwOnEndOfStream: false) < n)
                throw new GgufException(path, "unexpected end of file in the header");
            return _buf.AsSpan(0, n);
        }

        public uint U32() => BitConverter.ToUInt32(Take(4));
        public ulong U64() => BitConverter.ToUInt64(Take(8));

        /// <summary>
        /// A count of things still to read, each at least <paramref name="minBytesEach"/> bytes: one the rest of
        /// the file cannot hold is refused before anything is allocated for it.
        /// </summary>
        public long Count(string what, int minBytesEach)
        {
            ulong n = U64();
            if (n > int.MaxValue) throw new GgufException(path, $"implausible {what} {n}");
            long left = stream.Length - stream.Position;
            if ((long)n * minBytesEach > left) throw new GgufException(path, $"{what} {n} needs more than the {left} bytes left in the file");
            return (long)n;
        }

        private static int MinBytes(ValueType type) => type switch
        {
            ValueType.U8 or ValueType.I8 or ValueType.Bool => 1,
            ValueType.U16 or ValueType.I16 => 2,
            ValueType.U32 or ValueType.I32 or ValueType.F32 => 4,
            ValueType.U64 or ValueType.I64 or ValueType.F64 or ValueType.String => 8,
            ValueType.Array => 12,
            _ => 0,
        };

        public string String()
        {
            ulong len = U64();
            if (len > (ulong)(stream.Length - stream.Position)) throw new GgufException(path, $"string length {len} runs past the end of the file");
            var bytes = new byte[len];
            stream.ReadExactly(bytes);
            return Encoding.UTF8.GetString(bytes);
        }

        public object Value(ValueType type, string key) => type switch
        {
            ValueType.U8 => (long)Take(1)[0],
            ValueType.I8 => (long)(sbyte)Take(1)[0],
            ValueType.U16 => (long)BitConverter.ToUInt16(Take(2)),
            ValueType.I16 => (long)BitConverter.ToInt16(Take(2)),
            ValueType.U32 => (long)U32(),
            ValueType.I32 => (long)BitConverter.ToInt32(Take(4)),
            ValueType.U64 => U64() is var u && u <= long.MaxValue ? (long)u : throw new GgufException(path, $"metadata '{key}' value {u} is too large"),
            ValueType.I64 => BitConverter.ToInt64(Take(8)),
            ValueType.F32 => (double)BitConverter.ToSingle(Take(4)),
            ValueType.F64 => BitConverter.ToDouble(Take(8)),
            ValueType.Bool => Take(1)[0] != 0,
            ValueType.String => String(),
            ValueType.Array => Array(key),
            _ => throw new GgufException(path, $"metadata '{key}' has unknown value type {(uint)type}"),
        };

        private object Array(string key)
        {
            var type = (ValueType)U32();
            if (MinBytes(type) == 0) throw new GgufException(path, $"metadata '{key}' is an array of unknown value type {(uint)type}");
            long n = Count($"array length of '{key}'", MinBytes(type));
            switch (type)
            {
                case ValueType.String:
                    var strings = new string[n];
                    for (long i = 0; i < n; i++) strings[i] = String();
                    return strings;
                case ValueType.F32:
                    var floats = new float[n];
                    for (long i = 0; i < n; i++) floats[i] = BitConverter.ToSingle(Take(4));
                    return floats;
                case ValueType.F64:
                    var doubles = new double[n];
                    for (long i = 0; i < n; i++) doubles[i] = BitConverter.ToDouble(Take(8));
                    return doubles;
                case ValueType.Bool:
                    var bools = new bool[n];
                    for (long i = 0; i < n; i++) bools[i] = Take(1)[0] != 0;
                    return bools;
                case ValueType.Array:
                    throw new GgufException(path, $"metadata '{key}' is a nested array, which is not supported");
                default:
                    var longs = new long[n];
                    for (long i = 0; i < n; i++) longs[i] = (long)Value(type, key);
                    return longs;
            }
        }
    }
}
