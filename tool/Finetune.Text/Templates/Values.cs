namespace Finetune.Text.Templates;

// The template value model. A value is one of: null (Python None), Undefined, bool, long, double,
// string, PyList (list or tuple), PyDict (str keys, insertion order), Namespace, RangeValue, LoopInfo,
// or a callable (Macro, BuiltinFunction, BoundMethod). Nothing else ever reaches a template: no .NET
// object is exposed, so there is no member access to sandbox.

/// <summary>A variable or attribute that does not exist: prints as empty, is falsy, iterates as empty.</summary>
internal sealed class Undefined
{
    public static readonly Undefined Instance = new();

    private Undefined()
    {
    }

    public override string ToString() => "";
}

/// <summary>A Python list, or a tuple when <see cref="IsTuple"/> (which only changes how it prints).</summary>
internal sealed class PyList : List<object?>
{
    public PyList()
    {
    }

    public PyList(IEnumerable<object?> items, bool isTuple = false)
        : base(items)
    {
        IsTuple = isTuple;
    }

    public bool IsTuple { get; }
}

/// <summary>A Python dict with string keys, in insertion order.</summary>
internal sealed class PyDict : OrderedDictionary<string, object?>
{
    public PyDict()
        : base(StringComparer.Ordinal)
    {
    }
}

/// <summary>The object <c>namespace()</c> returns: the one thing templates may assign attributes on.</summary>
internal sealed class Namespace
{
    public PyDict Attributes { get; } = new();
}

/// <summary>Python's lazy <c>range</c>; every element it yields is charged to the render's loop budget.</summary>
internal sealed class RangeValue(long start, long stop, long step, Action tick)
{
    public long Start { get; } = start;

    public long Stop { get; } = stop;

    public long Step { get; } = step;

    public long Count => Step > 0
        ? Math.Max(0, (Stop - Start + Step - 1) / Step)
        : Math.Max(0, (Start - Stop - Step - 1) / -Step);

    /// <param name="charge">false when the caller charges the budget itself (a for loop charges per item).</param>
    public IEnumerable<object?> Iterate(bool charge = true)
    {
        for (var i = Start; Step > 0 ? i < Stop : i > Stop; i += Step)
        {
            if (charge)
                tick();
            yield return i;
        }
    }
}

/// <summary>The <c>loop</c> variable inside a for loop.</summary>
internal sealed class LoopInfo(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public object? Get(string name) => name switch
    {
        "index" => (long)Index0 + 1,
        "index0" => (long)Index0,
        "revindex" => (long)(items.Count - Index0),
        "revindex0" => (long)(items.Count - Index0 - 1),
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "depth" => 1L,
        "depth0" => 0L,
        "previtem" => Index0 > 0 ? items[Index0 - 1] : Undefined.Instance,
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : Undefined.Instance,
        "cycle" => new BuiltinFunction("loop.cycle", args =>
            args.Positional.Count == 0 ? throw new RenderError("loop.cycle() needs at least one value") : args.Positional[Index0 % args.Positional.Count]),
        _ => Undefined.Instance,
    };
}

/// <summary>A callable value implemented here (globals such as <c>range</c>, bound string methods...).</summary>
internal sealed class BuiltinFunction(string name, Func<CallArgs, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(CallArgs args) => invoke(args);
}

/// <summary>A macro defined by the template, closed over the scope it was defined in.</summary>
internal sealed class Macro(string name, IReadOnlyList<Param> parameters, IReadOnlyList<Stmt> body, Scope closure)
{
    public string Name { get; } = name;

    public IReadOnlyList<Param> Parameters { get; } = parameters;

    public IReadOnlyList<Stmt> Body { get; } = body;

    public Scope Closure { get; } = closure;
}

/// <summary>Evaluated call arguments.</summary>
internal sealed record CallArgs(IReadOnlyList<object?> Positional, IReadOnlyList<KeyValuePair<string, object?>> Keywords)
{
    public static CallArgs Empty { get; } = new([], []);

    /// <summary>The argument at <paramref name="index"/> or named <paramref name="name"/>, else <paramref name="fallback"/>.</summary>
    public object? Get(int index, string name, object? fallback = null)
    {
        foreach (var (key, value) in Keywords)
            if (key == name)
                return value;
        return index < Positional.Count ? Positional[index] : fallback;
    }

    public bool Has(int index, string name) => index < Positional.Count || Keywords.Any(k => k.Key == name);
}

/// <summary>A render-time error without a location; the renderer adds the location of the node that raised it.</summary>
internal class RenderError(string message) : Exception(message);

/// <summary>raise_exception(msg) from the template.</summary>
internal sealed class RaisedError(string message) : RenderError(message);

/// <summary>A sandbox limit hit.</summary>
internal sealed class LimitError(string message) : RenderError(message);
