using System.Text;

namespace Finetune.Text.Building;

/// <summary>
/// GPT-2's bytes-to-unicode table, as byte-level BPE tokenizers (GPT-2, Llama 3) use it: every byte gets one
/// printable character. Printable bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves; the other 68 bytes,
/// in byte order, take U+0100, U+0101, ... so that a space (0x20) is 'Ġ' (U+0120) and a newline (0x0A) is 'Ċ'.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildTable();
    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    /// <summary>The 256 characters in byte order: <c>Chars[b]</c> stands for byte <c>b</c>.</summary>
    public static IReadOnlyList<char> Chars => ByteToChar;

    /// <summary>The character that stands for one byte.</summary>
    public static char ToChar(byte value) => ByteToChar[value];

    /// <summary>Bytes to their byte-level string (one character per byte).</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
            chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }

    /// <summary>Text to the byte-level string of its UTF-8 bytes.</summary>
    public static string EncodeText(string text) => Encode(Encoding.UTF8.GetBytes(text));

    /// <summary>A byte-level string back to its bytes; throws when a character is not in the table.</summary>
    public static byte[] Decode(string symbols)
    {
        var bytes = new byte[symbols.Length];
        for (var i = 0; i < symbols.Length; i++)
            bytes[i] = CharToByte.TryGetValue(symbols[i], out var b)
                ? b
                : throw new ArgumentException($"'{symbols[i]}' (U+{(int)symbols[i]:X4}) is not a byte-level character", nameof(symbols));
        return bytes;
    }

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
            table[b] = IsPrintable(b) ? (char)b : (char)next++;
        return table;
    }

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
}
