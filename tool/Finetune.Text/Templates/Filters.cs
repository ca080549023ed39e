using System.Globalization;
using System.Numerics;
using System.Text;

namespace Finetune.Text.Templates;

/// <summary>The Jinja filters chat templates use, with Jinja2 3.1 semantics and HF's <c>tojson</c>.</summary>
internal static class Filters
{
    private delegate object? Filter(Renderer r, object? value, CallArgs args);

    private static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
    {
        ["trim"] = (_, v, a) => StringMethods.Strip(Text(v), a.Get(0, "chars"), left: true, right: true),
        ["tojson"] = (r, v, a) => PyJson.Dumps(v, r.Limits.MaxOutputChars, a.Get(1, "indent"), a.Get(2, "separators"), Py.Truthy(a.Get(3, "sort_keys", false)), Py.Truthy(a.Get(0, "ensure_ascii", false))),
        ["length"] = (_, v, _) => Py.Length(v),
        ["count"] = (_, v, _) => Py.Length(v),
        ["first"] = (_, v, _) => Py.Iterate(v).DefaultIfEmpty(Undefined.Instance).First(),
        ["last"] = (_, v, _) => Materialize(v) is { Count: > 0 } l ? l[^1] : Undefined.Instance,
        ["upper"] = (_, v, _) => Text(v).ToUpperInvariant(),
        ["lower"] = (_, v, _) => Text(v).ToLowerInvariant(),
        ["capitalize"] = (_, v, _) => StringMethods.Capitalize(Text(v)),
        ["title"] = (_, v, _) => Title(Text(v)),
        ["replace"] = (r, v, a) => StringMethods.Replace(r, Text(v), r.Str(a.Get(0, "old")), r.Str(a.Get(1, "new")), a.Get(2, "count")),
        ["join"] = Join,
        ["default"] = Default,
        ["d"] = Default,
        ["select"] = (r, v, a) => Select(r, v, a, attribute: false, keep: true),
        ["reject"] = (r, v, a) => Select(r, v, a, attribute: false, keep: false),
        ["selectattr"] = (r, v, a) => Select(r, v, a, attribute: true, keep: true),
        ["rejectattr"] = (r, v, a) => Select(r, v, a, attribute: true, keep: false),
        ["map"] = Map,
        ["items"] = (_, v, _) => v switch
        {
            Undefined => new PyList(),
            PyDict d => new PyList(d.Select(kv => (object?)new PyList([kv.Key, kv.Value], isTuple: true))),
            _ => throw new RenderError($"items filter expects a mapping, got {Py.TypeName(v)}"),
        },
        ["list"] = (_, v, _) => new PyList(Py.Iterate(v)),
        ["string"] = (r, v, _) => r.Str(v),
        ["int"] = (_, v, a) => ToInt(v, a.Get(0, "default", 0L), a.Get(1, "base", 10L)),
        ["float"] = (_, v, a) => ToFloat(v, a.Get(0, "default", 0.0)),
        ["abs"] = (_, v, _) => v switch
        {
            long l => (object)Math.Abs(l),
            double d => Math.Abs(d),
            bool b => b ? 1L : 0L,
            _ => throw new RenderError($"bad operand type for abs(): '{Py.TypeName(v)}'"),
        },
        ["round"] = (_, v, a) => Round(v, a.Get(0, "precision", 0L), a.Get(1, "method", "common")),
        ["sort"] = Sort,
        ["unique"] = Unique,
        ["reverse"] = (_, v, _) => v is string s ? string.Concat(Py.CodePoints(s).Reverse()) : new PyList(Enumerable.Reverse(Materialize(v))),
        ["indent"] = (r, v, a) => Indent(r, Text(v), a.Get(0, "width", 4L), Py.Truthy(a.Get(1, "first", false)), Py.Truthy(a.Get(2, "blank", false))),
        ["safe"] = (_, v, _) => v,
        ["escape"] = (r, v, _) => Escape(r, r.Str(v)),
        ["e"] = (r, v, _) => Escape(r, r.Str(v)),
        ["dictsort"] = (_, v, a) => DictSort(v, Py.Truthy(a.Get(0, "case_sensitive", false)), Py.Str(a.Get(1, "by", "key")), Py.Truthy(a.Get(2, "reverse", false))),
        ["sum"] = Sum,
        ["min"] = (r, v, a) => MinMax(r, v, a, max: false),
        ["max"] = (r, v, a) => MinMax(r, v, a, max: true),
        ["attr"] = (r, v, a) => Members.GetAttr(r, v, Py.Str(a.Get(0, "name"))),
        ["wordcount"] = (_, v, _) => (long)StringMethods.Split(Py.Str(v), null, -1L).Count,
        ["center"] = (r, v, a) => Center(r, r.Str(v), Py.ToLong(a.Get(0, "width", 80L))),
    };

    public static bool Exists(string name) => All.ContainsKey(name);

    public static object? Apply(Renderer r, string name, object? value, CallArgs args) =>
        All.TryGetValue(name, out var filter) ? filter(r, value, args) : throw new RenderError($"unknown filter '{name}'");

    private static string Text(object? v) => v switch
    {
        string s => s,
        Undefined => "",
        _ => Py.Str(v),
    };

    private static List<object?> Materialize(object? v) => Py.Iterate(v).ToList();

    /// <summary>Jinja's title filter: capitalise each word, words split at whitespace and -([{&lt;.</summary>
    private static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var wordStart = true;
        foreach (var c in s)
        {
            var separator = char.IsWhiteSpace(c) || c is '-' or '(' or '{' or '[' or '<';
            sb.Append(separator ? c : wordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            wordStart = separator;
        }
        return sb.ToString();
    }

    private static object? Join(Renderer r, object? v, CallArgs a)
    {
        var separator = Py.Str(a.Get(0, "d", ""));
        var attribute = a.Get(1, "attribute");
        var items = Py.Iterate(v).Select(x => attribute is null or Undefined ? x : AttributePath(r, x, attribute));
        return r.Join(separator, items);
    }

    private static object? Default(Renderer r, object? v, CallArgs a)
    {
        var fallback = a.Get(0, "default_value", "");
        var boolean = Py.Truthy(a.Get(1, "boolean", false));
        return v is Undefined || (boolean && !Py.Truthy(v)) ? fallback : v;
    }

    /// <summary>Jinja's attribute lookup for filters: an int is an index, "a.b" walks a path.</summary>
    private static object? AttributePath(Renderer r, object? item, object? attribute)
    {
        if (attribute is long)
            return Members.GetItem(r, item, attribute);
        foreach (var part in Py.Str(attribute).Split('.'))
            item = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                ? Members.GetItem(r, item, index)
                : Members.GetItem(r, item, part);
        return item;
    }

    private static PyList Select(Renderer r, object? v, CallArgs a, bool attribute, bool keep)
    {
        var args = a.Positional.ToList();
        object? attr = null;
        if (attribute)
        {
            if (args.Count == 0)
                throw new RenderError("selectattr/rejectattr need an attribute name");
            attr = args[0];
            args.RemoveAt(0);
        }
        var test = args.Count > 0 ? Py.Str(args[0]) : null;
        var testArgs = args.Skip(1).ToList();
        var result = new PyList();
        foreach (var item in Py.Iterate(v))
        {
            var subject = attribute ? AttributePath(r, item, attr) : item;
            var passed = test == null ? Py.Truthy(subject) : Tests.Apply(test, subject, testArgs);
            if (passed == keep)
                result.Add(item);
        }
        return result;
    }

    private static PyList Map(Renderer r, object? v, CallArgs a)
    {
        var attribute = a.Keywords.FirstOrDefault(k => k.Key == "attribute");
        if (attribute.Key != null)
        {
            var fallback = a.Keywords.FirstOrDefault(k => k.Key == "default");
            return new PyList(Py.Iterate(v).Select(item =>
            {
                var value = AttributePath(r, item, attribute.Value);
                return value is Undefined && fallback.Key != null ? fallback.Value : value;
            }));
        }
        if (a.Positional.Count == 0)
            throw new RenderError("map needs a filter name or attribute=");
        var filter = Py.Str(a.Positional[0]);
        var rest = new CallArgs(a.Positional.Skip(1).ToList(), a.Keywords);
        return new PyList(Py.Iterate(v).Select(item => Apply(r, filter, item, rest)));
    }

    private static object? ToInt(object? v, object? fallback, object? numberBase)
    {
        switch (v)
        {
            case long or bool:
                return Py.ToLong(v);
            case double d:
                return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                var text = s.Trim().Replace("_", "");
                var radix = (int)Math.Clamp(Py.ToLong(numberBase), 0, 36);
                try
                {
                    if (radix == 10 && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                        return l;
                    if (radix != 10)
                        return Convert.ToInt64(StripRadixPrefix(text, radix), radix);
                }
                catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
                {
                    return fallback;
                }
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && double.IsFinite(f)
                    ? (long)Math.Truncate(f)
                    : fallback;
            default:
                return fallback;
        }
    }

    private static string StripRadixPrefix(string text, int radix) =>
        text.Length > 2 && text[0] == '0' && char.ToLowerInvariant(text[1]) == radix switch { 16 => 'x', 8 => 'o', 2 => 'b', _ => '\0' }
            ? text[2..]
            : text;

    private static object? ToFloat(object? v, object? fallback) => v switch
    {
        long or bool or double => Py.ToDouble(v),
        string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => fallback,
    };

    private static object Round(object? v, object? precision, object? method)
    {
        var digits = (int)Math.Clamp(Py.ToLong(precision), -1000, 1000);
        var value = Py.ToDouble(v);
        var scale = Math.Pow(10, digits);
        return Py.Str(method) switch
        {
            "common" => v is long or bool && digits >= 0 ? (object)Py.ToLong(v) : RoundHalfEven(value, digits),
            "ceil" => Math.Ceiling(value * scale) / scale,
            "floor" => Math.Floor(value * scale) / scale,
            _ => throw new RenderError("round: method must be 'common', 'ceil' or 'floor'"),
        };
    }

    /// <summary>
    /// Python's round(x, n): round the exact binary value half-to-even at n decimals, then parse that decimal
    /// back (so round(2.675, 2) is 2.67, because 2.675 is really 2.67499999...).
    /// </summary>
    private static double RoundHalfEven(double x, int digits)
    {
        if (!double.IsFinite(x) || x == 0 || digits > 400)
            return x;
        if (digits < -400)
            return 0.0 * Math.Sign(x);
        var bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        var exponent = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponent == 0)
            exponent = 1;
        else
            mantissa |= 1L << 52;
        exponent -= 1075; // |x| = mantissa * 2^exponent exactly

        BigInteger numerator = mantissa, denominator = BigInteger.One;
        if (exponent > 0)
            numerator <<= exponent;
        else
            denominator <<= -exponent;
        if (digits >= 0)
            numerator *= BigInteger.Pow(10, digits);
        else
            denominator *= BigInteger.Pow(10, -digits);

        var quotient = BigInteger.DivRem(numerator, denominator, out var remainder);
        var twice = remainder * 2;
        if (twice > denominator || (twice == denominator && !quotient.IsEven))
            quotient += 1;
        var rounded = double.Parse($"{quotient}e{-digits}", NumberStyles.Float, CultureInfo.InvariantCulture);
        return x < 0 ? -rounded : rounded;
    }

    private static object? SortKey(Renderer r, object? item, object? attribute, bool caseSensitive)
    {
        var key = attribute is null or Undefined ? item : AttributePath(r, item, attribute);
        return !caseSensitive && key is string s ? s.ToLowerInvariant() : key;
    }

    private static PyList Sort(Renderer r, object? v, CallArgs a)
    {
        var reverse = Py.Truthy(a.Get(0, "reverse", false));
        var caseSensitive = Py.Truthy(a.Get(1, "case_sensitive", false));
        var attribute = a.Get(2, "attribute");
        var items = Materialize(v).Select((item, i) => (Item: item, Key: SortKey(r, item, attribute, caseSensitive), Index: i)).ToList();
        items.Sort((x, y) =>
        {
            var c = Py.Compare(x.Key, y.Key);
            return c != 0 ? (reverse ? -c : c) : x.Index.CompareTo(y.Index);
        });
        return new PyList(items.Select(x => x.Item));
    }

    private static PyList Unique(Renderer r, object? v, CallArgs a)
    {
        var caseSensitive = Py.Truthy(a.Get(0, "case_sensitive", false));
        var attribute = a.Get(1, "attribute");
        var seen = new List<object?>();
        var result = new PyList();
        foreach (var item in Py.Iterate(v))
        {
            var key = SortKey(r, item, attribute, caseSensitive);
            if (seen.Any(s => Py.Equals(s, key)))
                continue;
            seen.Add(key);
            result.Add(item);
        }
        return result;
    }

    private static string Indent(Renderer r, string s, object? width, bool first, bool blank)
    {
        var indentWidth = width is string w ? w.Length : Py.ToLong(width);
        r.Reserve(indentWidth);
        var lineCount = s.AsSpan().Count('\n') + 1L;
        r.Reserve(s.Length + Math.Max(0, indentWidth) * lineCount);
        var indentation = width as string ?? new string(' ', (int)Math.Max(0, indentWidth));
        var lines = (s + "\n").Split('\n').SkipLast(1).ToList();
        string result;
        if (blank)
            result = string.Join("\n" + indentation, lines);
        else
        {
            result = lines[0];
            if (lines.Count > 1)
                result += "\n" + string.Join("\n", lines.Skip(1).Select(line => line.Length > 0 ? indentation + line : line));
        }
        return first ? indentation + result : result;
    }

    private static string Escape(Renderer r, string s)
    {
        long extra = 0;
        foreach (var c in s)
            extra += c switch { '&' => 4, '<' or '>' => 3, '"' or '\'' => 4, _ => 0 };
        r.Reserve(s.Length + extra);
        return EscapeText(s);
    }

    private static string EscapeText(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;").Replace("\"", "&#34;").Replace("'", "&#39;");

    private static PyList DictSort(object? v, bool caseSensitive, string by, bool reverse)
    {
        if (v is not PyDict d)
            throw new RenderError($"dictsort expects a mapping, got {Py.TypeName(v)}");
        var position = by == "value" ? 1 : 0;
        var pairs = d.Select(kv => new PyList([kv.Key, kv.Value], isTuple: true)).ToList();
        object? Key(PyList p) => !caseSensitive && p[position] is string s ? s.ToLowerInvariant() : p[position];
        pairs.Sort((x, y) => reverse ? -Py.Compare(Key(x), Key(y)) : Py.Compare(Key(x), Key(y)));
        return new PyList(pairs);
    }

    private static object? Sum(Renderer r, object? v, CallArgs a)
    {
        var attribute = a.Get(0, "attribute");
        object? total = a.Get(1, "start", 0L);
        foreach (var item in Py.Iterate(v))
            total = Arithmetic.Apply(r, "+", total, attribute is null or Undefined ? item : AttributePath(r, item, attribute));
        return total;
    }

    private static object? MinMax(Renderer r, object? v, CallArgs a, bool max)
    {
        var caseSensitive = Py.Truthy(a.Get(0, "case_sensitive", false));
        var attribute = a.Get(1, "attribute");
        object? best = Undefined.Instance;
        object? bestKey = null;
        foreach (var item in Py.Iterate(v))
        {
            var key = SortKey(r, item, attribute, caseSensitive);
            if (best is Undefined || (max ? Py.Compare(key, bestKey) > 0 : Py.Compare(key, bestKey) < 0))
            {
                best = item;
                bestKey = key;
            }
        }
        return best;
    }

    private static string Center(Renderer r, string s, long width)
    {
        if (width <= s.Length)
            return s;
        r.Reserve(width);
        var total = (int)width - s.Length;
        var left = total / 2 + (total & (int)width & 1);
        return new string(' ', left) + s + new string(' ', total - left);
    }
}
