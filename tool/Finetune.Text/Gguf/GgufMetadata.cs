using System.Text;

namespace Finetune.Text.Gguf;

/// <summary>
/// GGUF metadata to write, in insertion order, each value with the type llama.cpp's <c>gguf-py</c> writer gives
/// that key (counts and ids <c>UINT32</c>, floats <c>FLOAT32</c>, token types <c>INT32</c>).
/// </summary>
public sealed class GgufMetadata
{
    private readonly List<(string Key, ValueType Type, object Value)> _entries = [];
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Keys => [.. _entries.Select(e => e.Key)];

    public GgufMetadata String(string key, string value) => Add(key, ValueType.String, value);

    public GgufMetadata UInt32(string key, uint value) => Add(key, ValueType.U32, value);

    public GgufMetadata Float32(string key, float value) => Add(key, ValueType.F32, value);

    public GgufMetadata Bool(string key, bool value) => Add(key, ValueType.Bool, value);

    public GgufMetadata Strings(string key, IReadOnlyList<string> values) => Add(key, ValueType.Array, (ValueType.String, (object)values));

    public GgufMetadata Int32s(string key, IReadOnlyList<int> values) => Add(key, ValueType.Array, (ValueType.I32, (object)values));

    public GgufMetadata Float32s(string key, IReadOnlyList<float> values) => Add(key, ValueType.Array, (ValueType.F32, (object)values));

    public bool Contains(string key) => _keys.Contains(key);

    private GgufMetadata Add(string key, ValueType type, object value)
    {
        if (!_keys.Add(key)) throw new InvalidOperationException($"GGUF metadata key '{key}' added twice");
        _entries.Add((key, type, value));
        return this;
    }

    internal long Count => _entries.Count;

    internal void WriteTo(BinaryWriter w)
    {
        foreach (var (key, type, value) in _entries)
        {
            WriteString(w, key);
            w.Write((uint)type);
            WriteValue(w, type, value);
        }
    }

    internal static void WriteString(BinaryWriter w, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    private static void WriteValue(BinaryWriter w, ValueType type, object value)
    {
        switch (type)
        {
            case ValueType.String: WriteString(w, (string)value); break;
            case ValueType.U32: w.Write((uint)value); break;
            case ValueType.F32: w.Write((float)value); break;
            case ValueType.Bool: w.Write((byte)((bool)value ? 1 : 0)); break;
            case ValueType.Array:
                var (itemType, items) = ((ValueType, object))value;
                w.Write((uint)itemType);
                switch (items)
                {
                    case IReadOnlyList<string> strings:
                        w.Write((ulong)strings.Count);
                        foreach (var s in strings) WriteString(w, s);
                        break;
                    case IReadOnlyList<int> ints:
                        w.Write((ulong)ints.Count);
                        foreach (var i in ints) w.Write(i);
                        break;
                    case IReadOnlyList<float> floats:
                        w.Write((ulong)floats.Count);
                        foreach (var f in floats) w.Write(f);
                        break;
                }
                break;
        }
    }

    /// <summary>gguf's <c>GGUFValueType</c> numbering (the subset written here).</summary>
    private enum ValueType : uint
    {
        I32 = 5, U32 = 4, F32 = 6, Bool = 7, String = 8, Array = 9,
    }
}
