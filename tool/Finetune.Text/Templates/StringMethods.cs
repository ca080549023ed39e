using System.Text;

namespace Finetune.Text.Templates;

/// <summary>Python <c>str</c> methods: strip/lstrip/rstrip, split/rsplit, startswith/endswith, case, replace, find, count, join.</summary>
internal static class StringMethods
{
    public static BuiltinFunction? Get(Renderer r, string s, string name) => name switch
    {
        "strip" => Fn(name, a => Strip(s, a.Get(0, "chars"), left: true, right: true)),
        "lstrip" => Fn(name, a => Strip(s, a.Get(0, "chars"), left: true, right: false)),
        "rstrip" => Fn(name, a => Strip(s, a.Get(0, "chars"), left: false, right: true)),
        "split" => Fn(name, a => Split(s, a.Get(0, "sep"), a.Get(1, "maxsplit", -1L))),
        "rsplit" => Fn(name, a => RSplit(s, a.Get(0, "sep"), a.Get(1, "maxsplit", -1L))),
        "splitlines" => Fn(name, _ => new PyList(s.Split('\n').Select(x => (object?)x.TrimEnd('\r')).SkipLast(s.EndsWith('\n') ? 1 : 0))),
        "startswith" => Fn(name, a => Affix(a.Get(0, "prefix"), p => s.StartsWith(p, StringComparison.Ordinal))),
        "endswith" => Fn(name, a => Affix(a.Get(0, "suffix"), p => s.EndsWith(p, StringComparison.Ordinal))),
        "upper" => Fn(name, _ => s.ToUpperInvariant()),
        "lower" => Fn(name, _ => s.ToLowerInvariant()),
        "title" => Fn(name, _ => Title(s)),
        "capitalize" => Fn(name, _ => Capitalize(s)),
        "replace" => Fn(name, a => Replace(r, s, Text(a.Get(0, "old")), Text(a.Get(1, "new")), a.Get(2, "count", -1L))),
        "find" => Fn(name, a => (long)s.IndexOf(Text(a.Get(0, "sub")), StringComparison.Ordinal)),
        "count" => Fn(name, a => (long)Count(s, Text(a.Get(0, "sub")))),
        "join" => Fn(name, a => r.Join(s, Py.Iterate(a.Get(0, "iterable")).Select(x => (object?)Text(x)))),
        "isdigit" => Fn(name, _ => s.Length > 0 && s.All(char.IsDigit)),
        "isalpha" => Fn(name, _ => s.Length > 0 && s.All(char.IsLetter)),
        "isspace" => Fn(name, _ => s.Length > 0 && s.All(IsSpace)),
        _ => null,
    };

    private static BuiltinFunction Fn(string name, Func<CallArgs, object?> f) => new("str." + name, f);

    private static string Text(object? v) => v as string ?? throw new RenderError($"expected a string argument, got {Py.TypeName(v)}");

    /// <summary>Python's str.isspace set (wider than .NET's: includes \x1c-\x1f).</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    public static string Strip(string s, object? chars, bool left, bool right)
    {
        Func<char, bool> strip = chars switch
        {
            null or Undefined => IsSpace,
            string set => set.Contains,
            _ => throw new RenderError($"strip arg must be None or str, not {Py.TypeName(chars)}"),
        };
        int start = 0, end = s.Length;
        while (left && start < end && strip(s[start]))
            start++;
        while (right && end > start && strip(s[end - 1]))
            end--;
        return s[start..end];
    }

    public static PyList Split(string s, object? sep, object? maxsplit)
    {
        var max = maxsplit is long m ? m : -1;
        var parts = new PyList();
        if (sep is null or Undefined)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i]))
                    i++;
                if (i >= s.Length)
                    break;
                if (max >= 0 && parts.Count == max)
                {
                    parts.Add(Strip(s[i..], null, left: false, right: true));
                    break;
                }
                var start = i;
                while (i < s.Length && !IsSpace(s[i]))
                    i++;
                parts.Add(s[start..i]);
            }
            return parts;
        }
        var separator = Text(sep);
        if (separator.Length == 0)
            throw new RenderError("empty separator");
        var from = 0;
        while (max < 0 || parts.Count < max)
        {
            var at = s.IndexOf(separator, from, StringComparison.Ordinal);
            if (at < 0)
                break;
            parts.Add(s[from..at]);
            from = at + separator.Length;
        }
        parts.Add(s[from..]);
        return parts;
    }

    private static PyList RSplit(string s, object? sep, object? maxsplit)
    {
        var max = maxsplit is long m ? m : -1;
        if (max < 0 || sep is null or Undefined)
            return max < 0 ? Split(s, sep, -1L) : throw new RenderError("rsplit with maxsplit needs a separator");
        var separator = Text(sep);
        var parts = new List<object?>();
        var end = s.Length;
        while (parts.Count < max)
        {
            var at = end == 0 ? -1 : s.LastIndexOf(separator, end - 1, StringComparison.Ordinal);
            if (at < 0 || at + separator.Length > end)
                break;
            parts.Insert(0, s[(at + separator.Length)..end]);
            end = at;
        }
        parts.Insert(0, s[..end]);
        return new PyList(parts);
    }

    private static bool Affix(object? arg, Func<string, bool> test) => arg switch
    {
        string p => test(p),
        PyList { IsTuple: true } options => options.Any(o => test(Text(o))),
        _ => throw new RenderError($"startswith/endswith first arg must be str or a tuple of str, not {Py.TypeName(arg)}"),
    };

    /// <summary>Python's <c>str.replace</c>; the result's length is worked out and checked before it is built.</summary>
    public static string Replace(Renderer r, string s, string old, string replacement, object? count)
    {
        var max = count is long c ? c : -1;
        long occurrences = old.Length == 0 ? s.Length + 1L : Count(s, old);
        if (max >= 0)
            occurrences = Math.Min(occurrences, max);
        r.Reserve(s.Length + occurrences * (replacement.Length - (long)old.Length));
        if (max < 0)
            return old.Length == 0 ? InsertEverywhere(s, replacement) : s.Replace(old, replacement, StringComparison.Ordinal);
        var sb = new StringBuilder();
        var from = 0;
        for (var n = 0; n < max; n++)
        {
            var at = old.Length == 0 ? (from <= s.Length ? from : -1) : s.IndexOf(old, from, StringComparison.Ordinal);
            if (at < 0)
                break;
            sb.Append(s, from, at - from).Append(replacement);
            if (old.Length == 0)
            {
                if (at < s.Length)
                    sb.Append(s[at]);
                from = at + 1;
            }
            else
                from = at + old.Length;
        }
        if (from < s.Length)
            sb.Append(s, from, s.Length - from);
        return sb.ToString();
    }

    private static string InsertEverywhere(string s, string insert)
    {
        var sb = new StringBuilder(insert);
        foreach (var c in s)
            sb.Append(c).Append(insert);
        return sb.ToString();
    }

    private static int Count(string s, string sub)
    {
        if (sub.Length == 0)
            return s.Length + 1;
        var n = 0;
        for (var at = s.IndexOf(sub, StringComparison.Ordinal); at >= 0; at = s.IndexOf(sub, at + sub.Length, StringComparison.Ordinal))
            n++;
        return n;
    }

    /// <summary>Python's str.title(): a letter after a non-letter is upper-cased, other letters lower-cased.</summary>
    public static string Title(string s)
    {
        var sb = new StringBuilder(s.Length);
        var previousIsCased = false;
        foreach (var c in s)
        {
            sb.Append(previousIsCased ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsCased = char.IsLetter(c);
        }
        return sb.ToString();
    }

    public static string Capitalize(string s) =>
        s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..].ToLowerInvariant();
}
