namespace Finetune.Text.Templates;

/// <summary>Jinja tests: <c>x is defined</c>, <c>x is none</c>, <c>x is divisibleby(3)</c>...</summary>
internal static class Tests
{
    public static bool Apply(string name, object? v, IReadOnlyList<object?> args)
    {
        object? Arg(int i) => i < args.Count ? args[i] : throw new RenderError($"test '{name}' needs an argument");
        return name switch
        {
            "defined" => v is not Undefined,
            "undefined" => v is Undefined,
            "none" => v is null,
            "string" => v is string,
            "mapping" => v is PyDict,
            "sequence" => v is string or PyList or PyDict or RangeValue,
            "iterable" => Py.IsIterable(v),
            "number" => v is long or double or bool,
            "integer" => v is long,
            "float" => v is double,
            "boolean" => v is bool,
            "true" => v is true,
            "false" => v is false,
            "even" => Py.ToLong(v) % 2 == 0,
            "odd" => Py.ToLong(v) % 2 != 0,
            "divisibleby" => Py.ToLong(v) % Py.ToLong(Arg(0)) == 0,
            "eq" or "equalto" or "==" => Py.Equals(v, Arg(0)),
            "ne" or "!=" => !Py.Equals(v, Arg(0)),
            "lt" or "lessthan" or "<" => Py.Compare(v, Arg(0)) < 0,
            "le" or "<=" => Py.Compare(v, Arg(0)) <= 0,
            "gt" or "greaterthan" or ">" => Py.Compare(v, Arg(0)) > 0,
            "ge" or ">=" => Py.Compare(v, Arg(0)) >= 0,
            "in" => Py.Contains(Arg(0), v),
            "sameas" => ReferenceEquals(v, Arg(0)) || (v is null or bool && Py.Equals(v, Arg(0)) && v?.GetType() == Arg(0)?.GetType()),
            "callable" => v is Macro or BuiltinFunction,
            "lower" => v is string s && s == s.ToLowerInvariant(),
            "upper" => v is string u && u == u.ToUpperInvariant(),
            "filter" => v is string f && Filters.Exists(f),
            "test" => v is string t && Exists(t),
            _ => throw new RenderError($"unknown test '{name}'"),
        };
    }

    public static bool Exists(string name) => name is "defined" or "undefined" or "none" or "string" or "mapping" or "sequence"
        or "iterable" or "number" or "integer" or "float" or "boolean" or "true" or "false" or "even" or "odd" or "divisibleby"
        or "eq" or "equalto" or "==" or "ne" or "!=" or "lt" or "lessthan" or "<" or "le" or "<=" or "gt" or "greaterthan" or ">"
        or "ge" or ">=" or "in" or "sameas" or "callable" or "lower" or "upper" or "filter" or "test";
}
