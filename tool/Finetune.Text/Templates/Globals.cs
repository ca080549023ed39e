namespace Finetune.Text.Templates;

/// <summary>Global functions: Jinja's range/dict/namespace and HF's raise_exception/strftime_now.</summary>
internal static class Globals
{
    public static IEnumerable<(string Name, BuiltinFunction Function)> Create(Renderer r, DateTimeOffset now)
    {
        yield return ("range", new BuiltinFunction("range", a => Range(r, a)));
        yield return ("dict", new BuiltinFunction("dict", a =>
        {
            var d = new PyDict();
            if (a.Positional.Count > 0 && a.Positional[0] is PyDict source)
                foreach (var (key, value) in source)
                    d[key] = value;
            foreach (var (key, value) in a.Keywords)
                d[key] = value;
            return d;
        }));
        yield return ("namespace", new BuiltinFunction("namespace", a =>
        {
            var ns = new Namespace();
            if (a.Positional.Count > 0 && a.Positional[0] is PyDict source)
                foreach (var (key, value) in source)
                    ns.Attributes[key] = value;
            foreach (var (key, value) in a.Keywords)
                ns.Attributes[key] = value;
            return ns;
        }));
        yield return ("raise_exception", new BuiltinFunction("raise_exception", a => throw new RaisedError(Py.Str(a.Get(0, "message", "")))));
        yield return ("strftime_now", new BuiltinFunction("strftime_now", a =>
            PyStrftime.Format(now, a.Get(0, "format") as string ?? throw new RenderError("strftime_now needs a format string"))));
    }

    private static RangeValue Range(Renderer r, CallArgs a)
    {
        var args = a.Positional.Select(Py.ToLong).ToList();
        var (start, stop, step) = args.Count switch
        {
            1 => (0L, args[0], 1L),
            2 => (args[0], args[1], 1L),
            3 => (args[0], args[1], args[2]),
            _ => throw new RenderError("range expected 1 to 3 integer arguments"),
        };
        if (step == 0)
            throw new RenderError("range() arg 3 must not be zero");
        return new RangeValue(start, stop, step, r.Tick);
    }
}
