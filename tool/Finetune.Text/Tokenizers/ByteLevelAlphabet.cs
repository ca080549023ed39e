using System.Text;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// GPT-2's bytes-to-unicode table, as byte-level BPE tokenizers (GPT-2, Llama 3, Qwen) use it: every byte gets
/// one printable character. Printable bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') stand for themselves; the other 68
/// bytes, in byte order, take U+0100, U+0101, ... so that a space (0x20) is 'Ġ' (U+0120) and a newline (0x0A)
/// is 'Ċ'. The one copy of the table: decoding, the BPE model and the tokenizer builder all use it.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildTable();

    /// <summary>The byte each table character stands for; -1 for characters outside the table.</summary>
    private static readonly short[] CharToByte = BuildInverse();

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

    /// <summary>The bytes a vocabulary string stands for, or null when a character is not in the table.</summary>
    public static byte[]? ToBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var c = token[i];
            var b = c < CharToByte.Length ? CharToByte[c] : (short)-1;
            if (b < 0)
                return null;
            bytes[i] = (byte)b;
        }
        return bytes;
    }

    /// <summary>A byte-level string back to its bytes; throws when a character is not in the table.</summary>
    public static byte[] Decode(string symbols) => ToBytes(symbols) ?? throw new ArgumentException(
        $"'{symbols.First(c => c >= CharToByte.Length || CharToByte[c] < 0)}' (U+{(int)symbols.First(c => c >= CharToByte.Length || CharToByte[c] < 0):X4}) is not a byte-level character",
        nameof(symbols));

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
            table[b] = IsPrintable(b) ? (char)b : (char)next++;
        return table;
    }

    private static bool IsPrintable(int b) => b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;

    private static short[] BuildInverse()
    {
        var inverse = new short[512];
        Array.Fill(inverse, (short)-1);
        for (var b = 0; b < 256; b++)
            inverse[ByteToChar[b]] = (short)b;
        return inverse;
    }
}
