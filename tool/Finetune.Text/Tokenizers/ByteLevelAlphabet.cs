namespace Finetune.Text.Tokenizers;

/// <summary>GPT-2's reversible byte ↔ printable-character table used by byte-level BPE vocabularies.</summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The character that stands for each byte value.</summary>
    public static char[] ByteToChar { get; } = BuildTable();

    /// <summary>The byte each table character stands for; -1 for characters outside the table.</summary>
    public static short[] CharToByte { get; } = BuildInverse();

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

    private static char[] BuildTable()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= 33 and <= 126 or >= 161 and <= 172 or >= 174 and <= 255;
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }

    private static short[] BuildInverse()
    {
        var inverse = new short[512];
        Array.Fill(inverse, (short)-1);
        for (var b = 0; b < 256; b++)
            inverse[ByteToChar[b]] = (short)b;
        return inverse;
    }
}
