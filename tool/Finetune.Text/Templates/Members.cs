namespace Finetune.Text.Templates;

/// <summary>
/// Attribute, item and slice access, and the Python methods templates call on strings, dicts and lists.
/// Only these values exist, so this is the whole surface a template can reach.
/// </summary>
internal static class Members
{
    /// <summary><c>obj.name</c>: a method first (as Python's getattr), then a dict key; missing is Undefined.</summary>
    public static object? GetAttr(Renderer r, object? obj, string name) => obj switch
    {
        PyDict d => (object?)DictMethod(d, name) ?? (d.TryGetValue(name, out var v) ? v : Undefined.Instance),
        string s => (object?)StringMethods.Get(r, s, name) ?? Undefined.Instance,
        PyList l => (object?)ListMethod(l, name) ?? Undefined.Instance,
        Namespace ns => ns.Attributes.TryGetValue(name, out var v) ? v : Undefined.Instance,
        LoopInfo loop => loop.Get(name),
        _ => Undefined.Instance,
    };

    /// <summary><c>obj[key]</c>: a dict key or list/string index (negative counts from the end); missing is Undefined.</summary>
    public static object? GetItem(Renderer r, object? obj, object? key)
    {
        switch (obj)
        {
            case PyDict d:
                if (key is string k)
                    return d.TryGetValue(k, out var v) ? v : (object?)DictMethod(d, k) ?? Undefined.Instance;
                return key is long or bool && d.TryGetValue(Py.Str(key), out var byNumber) ? byNumber : Undefined.Instance;
            case PyList l when key is long or bool:
                var i = Py.ToLong(key);
                if (i < 0)
                    i += l.Count;
                return i >= 0 && i < l.Count ? l[(int)i] : Undefined.Instance;
            case string s when key is long or bool:
                var chars = Py.CodePoints(s).ToList();
                var j = Py.ToLong(key);
                if (j < 0)
                    j += chars.Count;
                return j >= 0 && j < chars.Count ? chars[(int)j] : Undefined.Instance;
            case RangeValue range when key is long or bool:
                var list = range.Iterate().ToList();
                return GetItem(r, new PyList(list), key);
            case Namespace or LoopInfo when key is string name:
                return GetAttr(r, obj, name);
            default:
                return Undefined.Instance;
        }
    }

    /// <summary>Python slicing <c>obj[start:stop:step]</c> on lists, tuples and strings.</summary>
    public static object? Slice(object? obj, object? start, object? stop, object? step)
    {
        var items = obj switch
        {
            PyList l => (IReadOnlyList<object?>)l,
            string s => Py.CodePoints(s).ToList(),
            RangeValue r => r.Iterate().ToList(),
            Undefined => [],
            _ => throw new RenderError($"'{Py.TypeName(obj)}' object is not subscriptable"),
        };
        var picked = SliceIndices(items.Count, start, stop, step).Select(i => items[i]);
        return obj is string ? string.Concat(picked.Cast<string>()) : new PyList(picked, obj is PyList { IsTuple: true });
    }

    public static IEnumerable<int> SliceIndices(int length, object? startValue, object? stopValue, object? stepValue)
    {
        var step = Bound(stepValue) ?? 1;
        if (step == 0)
            throw new RenderError("slice step cannot be zero");
        long start, stop;
        if (step > 0)
        {
            start = Clamp(Bound(startValue) ?? 0, length, 0, length);
            stop = Clamp(Bound(stopValue) ?? length, length, 0, length);
            for (var i = start; i < stop; i += step)
                yield return (int)i;
        }
        else
        {
            start = Clamp(Bound(startValue) ?? length - 1, length, -1, length - 1);
            stop = stopValue is null or Undefined ? -1 : Clamp(Bound(stopValue)!.Value, length, -1, length - 1);
            for (var i = start; i > stop; i += step)
                yield return (int)i;
        }
    }

    private static long? Bound(object? v) => v switch
    {
        null or Undefined => null,
        long or bool => Py.ToLong(v),
        _ => throw new RenderError($"slice indices must be integers or None, not {Py.TypeName(v)}"),
    };

    private static long Clamp(long index, int length, long low, long high)
    {
        if (index < 0)
            index += length;
        return Math.Clamp(index, low, high);
    }

    private static BuiltinFunction? DictMethod(PyDict d, string name) => name switch
    {
        "get" => new BuiltinFunction("dict.get", a =>
            a.Get(0, "key") is string k && d.TryGetValue(k, out var v) ? v : a.Get(1, "default")),
        "items" => new BuiltinFunction("dict.items", _ => new PyList(d.Select(kv => (object?)new PyList([kv.Key, kv.Value], isTuple: true)))),
        "keys" => new BuiltinFunction("dict.keys", _ => new PyList(d.Keys)),
        "values" => new BuiltinFunction("dict.values", _ => new PyList(d.Values)),
        _ => null,
    };

    private static BuiltinFunction? ListMethod(PyList l, string name) => name switch
    {
        "index" => new BuiltinFunction("list.index", a =>
        {
            var needle = a.Get(0, "value");
            var at = l.FindIndex(x => Py.Equals(x, needle));
            return at >= 0 ? (long)at : throw new RenderError($"{Py.Repr(needle)} is not in list");
        }),
        "count" => new BuiltinFunction("list.count", a => (long)l.Count(x => Py.Equals(x, a.Get(0, "value")))),
        _ => null,
    };
}
