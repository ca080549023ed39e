namespace Finetune.Recipes;

/// <summary>Numeric bounds of a key (FT006 when violated). Unset bounds are NaN.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RecipeRangeAttribute : Attribute
{
    /// <summary>Lower bound, inclusive unless <see cref="MinExclusive"/>.</summary>
    public double Min { get; set; } = double.NaN;

    /// <summary>Upper bound, inclusive unless <see cref="MaxExclusive"/>.</summary>
    public double Max { get; set; } = double.NaN;

    /// <summary>The value must be strictly greater than <see cref="Min"/>.</summary>
    public bool MinExclusive { get; set; }

    /// <summary>The value must be strictly less than <see cref="Max"/>.</summary>
    public bool MaxExclusive { get; set; }

    /// <summary>Whether <paramref name="value"/> lies inside the bounds.</summary>
    public bool Contains(double value) =>
        (double.IsNaN(Min) || (MinExclusive ? value > Min : value >= Min)) &&
        (double.IsNaN(Max) || (MaxExclusive ? value < Max : value <= Max));

    /// <summary>The bounds in words, e.g. "> 0", ">= 0 and < 1".</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (!double.IsNaN(Min))
            parts.Add($"{(MinExclusive ? ">" : ">=")} {Format(Min)}");
        if (!double.IsNaN(Max))
            parts.Add($"{(MaxExclusive ? "<" : "<=")} {Format(Max)}");
        return string.Join(" and ", parts);
    }

    private static string Format(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
