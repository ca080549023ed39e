using System.Globalization;
using System.Text.RegularExpressions;

namespace Finetune.Recipes;

/// <summary>A size such as <c>5GB</c> (decimal units, as Hugging Face) or <c>2GiB</c> (binary units).</summary>
public sealed partial record ByteSize : IRecipeScalar<ByteSize>
{
    private static readonly (string Unit, long Factor)[] Units =
    [
        ("TiB", 1L << 40), ("TB", 1_000_000_000_000), ("GiB", 1L << 30), ("GB", 1_000_000_000),
        ("MiB", 1L << 20), ("MB", 1_000_000), ("KiB", 1L << 10), ("KB", 1_000), ("B", 1),
    ];

    /// <summary>The size in bytes (at least 1).</summary>
    public long Bytes { get; init; }

    /// <summary>A size of <paramref name="bytes"/> bytes.</summary>
    public static ByteSize FromBytes(long bytes) =>
        bytes >= 1 ? new() { Bytes = bytes } : throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "must be >= 1");

    /// <inheritdoc/>
    public static string Pattern => "^[0-9]+ ?(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$";

    /// <inheritdoc/>
    public static bool TryParse(string text, out ByteSize? value, out string error)
    {
        value = null;
        error = "must be a size such as `5GB`, `500MB` or `2GiB` (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB)";
        var match = SizeRegex().Match(text);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return false;
        var factor = Units.First(u => u.Unit == match.Groups[2].Value).Factor;
        if (count < 1 || count > long.MaxValue / factor)
            return false;
        value = FromBytes(count * factor);
        return true;
    }

    /// <summary>The canonical spelling: the largest unit that divides the size exactly, e.g. <c>5GB</c>.</summary>
    public override string ToString()
    {
        var (unit, factor) = Units.First(u => Bytes % u.Factor == 0);
        return (Bytes / factor).ToString(CultureInfo.InvariantCulture) + unit;
    }

    [GeneratedRegex("^([0-9]+) ?(B|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$")]
    private static partial Regex SizeRegex();
}
