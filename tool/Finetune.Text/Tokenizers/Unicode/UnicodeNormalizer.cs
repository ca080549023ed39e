using System.Globalization;
using System.Text;

namespace Finetune.Text.Tokenizers.Unicode;

/// <summary>
/// Unicode normalization forms NFC, NFD, NFKC and NFKD (UAX #15) from tables shipped with the tool
/// (normalization.txt, made by make_normalization_data.py). The tool runs with InvariantGlobalization, where
/// <see cref="string.Normalize()"/> has no ICU and leaves non-ASCII text unchanged; the Rust library has its own
/// tables too, so shipping ours also keeps ids independent of the host's ICU version.
/// </summary>
internal static class UnicodeNormalizer
{
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int LCount = 19, VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = LCount * NCount;

    private static readonly Lazy<Tables> Data = new(Load);

    public static string Normalize(string text, NormalizationForm form)
    {
        var compat = form is NormalizationForm.FormKC or NormalizationForm.FormKD;
        var compose = form is NormalizationForm.FormC or NormalizationForm.FormKC;
        // Below U+00A0 nothing decomposes; below U+0300 nothing canonical does and nothing combines.
        if (!text.AsSpan().ContainsAnyExceptInRange('\0', compat ? '\u009F' : '\u02FF'))
            return text;
        var tables = Data.Value;
        var cps = new List<int>(text.Length + 8);
        foreach (var rune in text.EnumerateRunes())
            Decompose(rune.Value, compat, tables, cps);
        Reorder(cps, tables);
        if (compose)
            Compose(cps, tables);
        var sb = new StringBuilder(cps.Count + 8);
        foreach (var cp in cps)
            sb.Append(new Rune(cp).ToString());
        return sb.ToString();
    }

    private static void Decompose(int cp, bool compat, Tables tables, List<int> output)
    {
        if (cp is >= SBase and < SBase + SCount)
        {
            var s = cp - SBase;
            output.Add(LBase + s / NCount);
            output.Add(VBase + s % NCount / TCount);
            if (s % TCount != 0)
                output.Add(TBase + s % TCount);
            return;
        }
        if (compat && tables.Compatibility.TryGetValue(cp, out var k))
            output.AddRange(k);
        else if (tables.Canonical.TryGetValue(cp, out var d))
            output.AddRange(d);
        else
            output.Add(cp);
    }

    /// <summary>The canonical ordering algorithm: a stable sort of each run of non-starters by combining class.</summary>
    private static void Reorder(List<int> cps, Tables tables)
    {
        for (var i = 1; i < cps.Count; i++)
        {
            var cc = Ccc(cps[i], tables);
            if (cc == 0)
                continue;
            for (var j = i; j > 0 && Ccc(cps[j - 1], tables) > cc; j--)
                (cps[j - 1], cps[j]) = (cps[j], cps[j - 1]);
        }
    }

    /// <summary>The canonical composition algorithm (UAX #15's sample code).</summary>
    private static void Compose(List<int> cps, Tables tables)
    {
        if (cps.Count == 0)
            return;
        var starterPos = 0;
        var starter = cps[0];
        var lastClass = Ccc(starter, tables) == 0 ? 0 : 256;
        var kept = 1;
        for (var i = 1; i < cps.Count; i++)
        {
            var ch = cps[i];
            var chClass = Ccc(ch, tables);
            var composite = Composite(starter, ch, tables);
            if (composite >= 0 && (lastClass < chClass || lastClass == 0))
            {
                cps[starterPos] = composite;
                starter = composite;
                continue;
            }
            if (chClass == 0)
            {
                starterPos = kept;
                starter = ch;
            }
            lastClass = chClass;
            cps[kept++] = ch;
        }
        cps.RemoveRange(kept, cps.Count - kept);
    }

    private static int Composite(int first, int second, Tables tables)
    {
        if (first is >= LBase and < LBase + LCount && second is >= VBase and < VBase + VCount)
            return SBase + ((first - LBase) * VCount + second - VBase) * TCount;
        if (first is >= SBase and < SBase + SCount && (first - SBase) % TCount == 0 && second is > TBase and < TBase + TCount)
            return first + second - TBase;
        return tables.Compositions.TryGetValue(((long)first << 21) | (uint)second, out var c) ? c : -1;
    }

    private static int Ccc(int cp, Tables tables) => cp < 0x300 ? 0 : tables.CombiningClass.GetValueOrDefault(cp);

    private sealed record Tables(Dictionary<int, int[]> Canonical, Dictionary<int, int[]> Compatibility, Dictionary<int, int> CombiningClass, Dictionary<long, int> Compositions);

    private static Tables Load()
    {
        using var stream = typeof(UnicodeNormalizer).Assembly.GetManifestResourceStream("Finetune.Text.normalization.txt")
            ?? throw new InvalidOperationException("the embedded Unicode normalization tables are missing");
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var tables = new Tables([], [], [], []);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#')
                continue;
            var parts = line.Split(' ');
            var cp = Hex(parts[1]);
            switch (parts[0])
            {
                case "c":
                    tables.CombiningClass[cp] = int.Parse(parts[2], CultureInfo.InvariantCulture);
                    break;
                case "d":
                    tables.Canonical[cp] = [.. parts.Skip(2).Select(Hex)];
                    break;
                case "k":
                    tables.Compatibility[cp] = [.. parts.Skip(2).Select(Hex)];
                    break;
                case "p":
                    tables.Compositions[((long)Hex(parts[2]) << 21) | (uint)Hex(parts[3])] = cp;
                    break;
            }
        }
        return tables;
    }

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
