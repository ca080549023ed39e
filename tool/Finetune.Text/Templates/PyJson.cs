using System.Globalization;
using System.Text;

namespace Finetune.Text.Templates;

/// <summary>
/// Python's <c>json.dumps(x, ensure_ascii=False, indent=..., separators=..., sort_keys=...)</c>, byte for byte:
/// non-ASCII kept, default separators <c>", "</c>/<c>": "</c> (<c>","</c> when indenting), Python float repr.
/// </summary>
internal sealed class PyJson
{
    private readonly string? _indent;
    private readonly string _itemSeparator;
    private readonly string _keySeparator;
    private readonly bool _sortKeys;
    private readonly bool _ensureAscii;
    private readonly int _maxChars;
    private readonly StringBuilder _sb = new();

    private PyJson(string? indent, string itemSeparator, string keySeparator, bool sortKeys, bool ensureAscii, int maxChars)
    {
        _maxChars = maxChars;
        _ensureAscii = ensureAscii;
        _indent = indent;
        _itemSeparator = itemSeparator;
        _keySeparator = keySeparator;
        _sortKeys = sortKeys;
    }

    /// <param name="indent">null, a count of spaces, or an indent string (Python accepts both).</param>
    /// <param name="maxChars">The text may not grow past this (checked before each value is written).</param>
    public static string Dumps(object? value, int maxChars, object? indent = null, object? separators = null, bool sortKeys = false, bool ensureAscii = false)
    {
        var indentText = indent switch
        {
            null or Undefined => null,
            long n when n > maxChars => throw new LimitError($"output size limit exceeded ({maxChars} chars)"),
            long n => new string(' ', (int)Math.Max(0, n)),
            string s => s,
            _ => throw new RenderError($"tojson: indent must be an int or a string, not {Py.TypeName(indent)}"),
        };
        var (item, key) = separators switch
        {
            null or Undefined => (indentText == null ? ", " : ",", ": "),
            PyList { Count: 2 } l when l[0] is string a && l[1] is string b => (a, b),
            _ => throw new RenderError("tojson: separators must be a pair of strings"),
        };
        var json = new PyJson(indentText, item, key, sortKeys, ensureAscii, maxChars);
        json.Write(value, 0);
        Py.CheckChars(json._sb.Length, maxChars);
        return json._sb.ToString();
    }

    private void Write(object? v, int depth)
    {
        Py.CheckDepth(depth);
        Py.CheckChars(_sb.Length + (_indent?.Length ?? 0) * (long)depth, _maxChars);
        switch (v)
        {
            case null: _sb.Append("null"); break;
            case bool b: _sb.Append(b ? "true" : "false"); break;
            case long l: _sb.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d:
                _sb.Append(double.IsNaN(d) ? "NaN" : double.IsPositiveInfinity(d) ? "Infinity" : double.IsNegativeInfinity(d) ? "-Infinity" : Py.FormatFloat(d));
                break;
            case string s: WriteString(s); break;
            case PyList list: WriteList(list, depth); break;
            case PyDict dict: WriteDict(dict, depth); break;
            default: throw new RenderError($"Object of type {Py.TypeName(v)} is not JSON serializable");
        }
    }

    private void WriteList(PyList list, int depth)
    {
        if (list.Count == 0)
        {
            _sb.Append("[]");
            return;
        }
        _sb.Append('[');
        for (var i = 0; i < list.Count; i++)
        {
            if (i > 0)
                _sb.Append(_itemSeparator);
            NewLine(depth + 1);
            Write(list[i], depth + 1);
        }
        NewLine(depth);
        _sb.Append(']');
    }

    private void WriteDict(PyDict dict, int depth)
    {
        if (dict.Count == 0)
        {
            _sb.Append("{}");
            return;
        }
        IEnumerable<KeyValuePair<string, object?>> items = _sortKeys ? dict.OrderBy(kv => kv.Key, StringComparer.Ordinal) : dict;
        _sb.Append('{');
        var first = true;
        foreach (var (key, value) in items)
        {
            if (!first)
                _sb.Append(_itemSeparator);
            first = false;
            NewLine(depth + 1);
            WriteString(key);
            _sb.Append(_keySeparator);
            Write(value, depth + 1);
        }
        NewLine(depth);
        _sb.Append('}');
    }

    private void NewLine(int depth)
    {
        if (_indent == null)
            return;
        _sb.Append('\n');
        for (var i = 0; i < depth; i++)
            _sb.Append(_indent);
    }

    private void WriteString(string s)
    {
        _sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': _sb.Append("\\\""); break;
                case '\\': _sb.Append("\\\\"); break;
                case '\n': _sb.Append("\\n"); break;
                case '\r': _sb.Append("\\r"); break;
                case '\t': _sb.Append("\\t"); break;
                case '\b': _sb.Append("\\b"); break;
                case '\f': _sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || (_ensureAscii && c > 0x7e))
                        _sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else
                        _sb.Append(c);
                    break;
            }
        }
        _sb.Append('"');
    }
}
