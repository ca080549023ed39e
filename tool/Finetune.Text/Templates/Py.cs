using System.Globalization;
using System.Text;

namespace Finetune.Text.Templates;

/// <summary>Python semantics for template values: truthiness, str()/repr(), equality, ordering, iteration.</summary>
internal static class Py
{
    public static bool Truthy(object? v) => v switch
    {
        null or Undefined => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        PyList l => l.Count > 0,
        PyDict d => d.Count > 0,
        RangeValue r => r.Count > 0,
        _ => true,
    };

    /// <summary>Lists and dicts nested deeper than this are refused by repr, tojson, == and ordering.</summary>
    public const int MaxValueDepth = 512;

    /// <summary>Python's <c>str(v)</c>, with Undefined as the empty string.</summary>
    public static string Str(object? v) => Str(v, TemplateLimits.Default.MaxOutputChars);

    /// <summary>Python's <c>str(v)</c>; fails once the text would pass <paramref name="maxChars"/>.</summary>
    public static string Str(object? v, int maxChars) => v switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(v, maxChars),
    };

    /// <summary>Python's <c>repr(v)</c>.</summary>
    public static string Repr(object? v) => Repr(v, TemplateLimits.Default.MaxOutputChars);

    /// <summary>Python's <c>repr(v)</c>; fails once the text would pass <paramref name="maxChars"/>.</summary>
    public static string Repr(object? v, int maxChars)
    {
        var sb = new StringBuilder();
        AppendRepr(sb, v, 0, maxChars);
        CheckChars(sb.Length, maxChars);
        return sb.ToString();
    }

    /// <summary>Fails a walk over a value nested deeper than <see cref="MaxValueDepth"/> (or deeper than the stack allows).</summary>
    public static void CheckDepth(int depth)
    {
        if (depth > MaxValueDepth || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new LimitError($"value nested too deeply (more than {MaxValueDepth} levels of lists and dicts)");
    }

    /// <summary>Fails when a string about to be built (<paramref name="chars"/> long) is over <paramref name="maxChars"/>.</summary>
    public static void CheckChars(long chars, int maxChars)
    {
        if (chars > maxChars)
            throw new LimitError($"output size limit exceeded ({maxChars} chars)");
    }

    private static void AppendRepr(StringBuilder sb, object? v, int depth, int maxChars)
    {
        CheckDepth(depth);
        CheckChars(sb.Length, maxChars);
        switch (v)
        {
            case null: sb.Append("None"); break;
            case Undefined: sb.Append("Undefined"); break;
            case bool b: sb.Append(b ? "True" : "False"); break;
            case long l: sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: sb.Append(FormatFloat(d)); break;
            case string s: AppendStringRepr(sb, s); break;
            case PyList list:
                sb.Append(list.IsTuple ? '(' : '[');
                for (var i = 0; i < list.Count; i++)
                {
                    if (i > 0)
                        sb.Append(", ");
                    AppendRepr(sb, list[i], depth + 1, maxChars);
                }
                if (list.IsTuple && list.Count == 1)
                    sb.Append(',');
                sb.Append(list.IsTuple ? ')' : ']');
                break;
            case PyDict dict:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in dict)
                {
                    if (!first)
                        sb.Append(", ");
                    first = false;
                    AppendStringRepr(sb, key);
                    sb.Append(": ");
                    AppendRepr(sb, value, depth + 1, maxChars);
                }
                sb.Append('}');
                break;
            case RangeValue r:
                sb.Append(CultureInfo.InvariantCulture, $"range({r.Start}, {r.Stop}");
                sb.Append(r.Step == 1 ? ")" : string.Create(CultureInfo.InvariantCulture, $", {r.Step})"));
                break;
            case Namespace: sb.Append("<Namespace>"); break;
            case Macro m: sb.Append("<Macro '").Append(m.Name).Append("'>"); break;
            case BuiltinFunction f: sb.Append("<built-in function ").Append(f.Name).Append('>'); break;
            default: sb.Append(v.GetType().Name); break;
        }
    }

    /// <summary>Python's string repr: single quotes unless the text has ' and no ".</summary>
    private static void AppendStringRepr(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        sb.Append(quote);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c == quote)
                        sb.Append('\\').Append(c);
                    else if (c < 0x20 || c == 0x7f)
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}");
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append(quote);
    }

    /// <summary>Python's <c>repr(float)</c>: shortest round-trip digits, exponent form below 1e-4 and from 1e16.</summary>
    public static string FormatFloat(double d)
    {
        if (double.IsNaN(d))
            return "nan";
        if (double.IsInfinity(d))
            return d > 0 ? "inf" : "-inf";
        if (d == 0)
            return double.IsNegative(d) ? "-0.0" : "0.0";

        // "R" gives the shortest round-trip digits; re-layout them the way Python does.
        var shortest = d.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest.StartsWith('-');
        var body = negative ? shortest[1..] : shortest;
        var exp = 0;
        var ePos = body.IndexOfAny(['E', 'e']);
        if (ePos >= 0)
        {
            exp = int.Parse(body[(ePos + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            body = body[..ePos];
        }
        var dot = body.IndexOf('.');
        var intPart = dot >= 0 ? body[..dot] : body;
        var digits = (intPart + (dot >= 0 ? body[(dot + 1)..] : "")).TrimStart('0');
        var leadingZeros = (intPart + (dot >= 0 ? body[(dot + 1)..] : "")).Length - digits.Length;
        // value = 0.<digits> * 10^decpt
        var decpt = intPart.Length - leadingZeros + exp;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";

        var sb = new StringBuilder();
        if (negative)
            sb.Append('-');
        if (decpt > -4 && decpt <= 16)
        {
            if (decpt <= 0)
                sb.Append("0.").Append('0', -decpt).Append(digits);
            else if (decpt >= digits.Length)
                sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
            else
                sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }
        else
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            var e = decpt - 1;
            sb.Append('e').Append(e < 0 ? '-' : '+').Append(Math.Abs(e).ToString("00", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public static string TypeName(object? v) => v switch
    {
        null => "NoneType",
        Undefined => "Undefined",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        PyList l => l.IsTuple ? "tuple" : "list",
        PyDict => "dict",
        RangeValue => "range",
        Namespace => "Namespace",
        LoopInfo => "LoopContext",
        _ => "function",
    };

    public static bool IsNumber(object? v) => v is long or double or bool;

    public static double ToDouble(object? v) => v switch
    {
        long l => l,
        double d => d,
        bool b => b ? 1 : 0,
        _ => throw new RenderError($"expected a number, got {TypeName(v)}"),
    };

    /// <summary>Python <c>==</c>: numbers across int/float/bool, deep on lists and dicts.</summary>
    public static new bool Equals(object? a, object? b) => Equals(a, b, 0);

    private static bool Equals(object? a, object? b, int depth)
    {
        CheckDepth(depth);
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? ToDouble(a) == ToDouble(b) : ToLong(a) == ToLong(b);
        switch (a)
        {
            case null: return b is null;
            case Undefined: return b is Undefined;
            case string s: return b is string t && string.Equals(s, t, StringComparison.Ordinal);
            case PyList x when b is PyList y:
                if (x.Count != y.Count || x.IsTuple != y.IsTuple)
                    return false;
                for (var i = 0; i < x.Count; i++)
                    if (!Equals(x[i], y[i], depth + 1))
                        return false;
                return true;
            case PyDict x when b is PyDict y:
                if (x.Count != y.Count)
                    return false;
                foreach (var (key, value) in x)
                    if (!y.TryGetValue(key, out var other) || !Equals(value, other, depth + 1))
                        return false;
                return true;
            default: return ReferenceEquals(a, b);
        }
    }

    public static long ToLong(object? v) => v switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new RenderError($"expected an integer, got {TypeName(v)}"),
    };

    /// <summary>Python ordering for &lt; &lt;= &gt; &gt;=: numbers, strings, lists lexicographically.</summary>
    public static int Compare(object? a, object? b) => Compare(a, b, 0);

    private static int Compare(object? a, object? b, int depth)
    {
        CheckDepth(depth);
        if (IsNumber(a) && IsNumber(b))
            return a is double || b is double ? ToDouble(a).CompareTo(ToDouble(b)) : ToLong(a).CompareTo(ToLong(b));
        if (a is string s && b is string t)
            return Math.Sign(string.CompareOrdinal(s, t));
        if (a is PyList x && b is PyList y)
        {
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
                if (!Equals(x[i], y[i], depth + 1))
                    return Compare(x[i], y[i], depth + 1);
            return x.Count.CompareTo(y.Count);
        }
        throw new RenderError($"'<' not supported between instances of '{TypeName(a)}' and '{TypeName(b)}'");
    }

    /// <summary>Iteration as in Python: lists, tuple, dict keys, string chars (code points), range; undefined is empty.</summary>
    public static IEnumerable<object?> Iterate(object? v) => v switch
    {
        Undefined => [],
        PyList l => l,
        PyDict d => d.Keys,
        string s => CodePoints(s),
        RangeValue r => r.Iterate(),
        _ => throw new RenderError($"'{TypeName(v)}' object is not iterable"),
    };

    public static bool IsIterable(object? v) => v is PyList or PyDict or string or RangeValue;

    public static IEnumerable<object?> CodePoints(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                yield return s.Substring(i, 2);
                i++;
            }
            else
                yield return s[i].ToString();
        }
    }

    /// <summary>Python <c>len()</c>; strings count code points like Python does.</summary>
    public static long Length(object? v) => v switch
    {
        Undefined => 0,
        string s => s.Length - s.Count(char.IsLowSurrogate) + CountLoneLowSurrogates(s),
        PyList l => l.Count,
        PyDict d => d.Count,
        RangeValue r => r.Count,
        _ => throw new RenderError($"object of type '{TypeName(v)}' has no len()"),
    };

    private static int CountLoneLowSurrogates(string s)
    {
        var n = 0;
        for (var i = 0; i < s.Length; i++)
            if (char.IsLowSurrogate(s[i]) && (i == 0 || !char.IsHighSurrogate(s[i - 1])))
                n++;
        return n;
    }

    /// <summary><c>needle in haystack</c>.</summary>
    public static bool Contains(object? haystack, object? needle) => haystack switch
    {
        string s => needle is string n ? s.Contains(n, StringComparison.Ordinal) : throw new RenderError($"'in <string>' requires string as left operand, not {TypeName(needle)}"),
        PyDict d => needle is string k && d.ContainsKey(k),
        PyList l => l.Any(x => Equals(x, needle)),
        RangeValue r => r.Iterate().Any(x => Equals(x, needle)),
        Undefined => false,
        _ => throw new RenderError($"argument of type '{TypeName(haystack)}' is not iterable"),
    };
}
