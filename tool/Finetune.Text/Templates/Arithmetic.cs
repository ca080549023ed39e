namespace Finetune.Text.Templates;

/// <summary>Python arithmetic: + - * / // % ** on ints (checked), floats, and + / * on strings and lists.</summary>
internal static class Arithmetic
{
    public static object? Apply(Renderer r, string op, object? a, object? b)
    {
        if (a is Undefined || b is Undefined)
            throw new RenderError($"cannot apply '{op}' to an undefined value");
        if (Py.IsNumber(a) && Py.IsNumber(b))
            return Numbers(op, a!, b!);
        return (op, a, b) switch
        {
            ("+", string x, string y) => Concat(r, x, y),
            ("+", PyList x, PyList y) => Concat(r, x, y),
            ("*", string x, long or bool) => Repeat(r, x, Py.ToLong(b)),
            ("*", long or bool, string y) => Repeat(r, y, Py.ToLong(a)),
            ("*", PyList x, long or bool) => RepeatList(r, x, Py.ToLong(b)),
            _ => throw new RenderError($"unsupported operand type(s) for {op}: '{Py.TypeName(a)}' and '{Py.TypeName(b)}'"),
        };
    }

    private static string Concat(Renderer r, string x, string y)
    {
        r.Reserve(x.Length + (long)y.Length);
        return x + y;
    }

    private static PyList Concat(Renderer r, PyList x, PyList y)
    {
        r.ReserveItems(x.Count + (long)y.Count);
        return new PyList(x.Concat(y), x.IsTuple);
    }

    private static string Repeat(Renderer r, string s, long n)
    {
        if (n <= 0 || s.Length == 0)
            return "";
        r.Reserve(s.Length * (double)n > long.MaxValue / 2 ? long.MaxValue : s.Length * n);
        return string.Concat(Enumerable.Repeat(s, (int)n));
    }

    private static PyList RepeatList(Renderer r, PyList l, long n)
    {
        var result = new PyList();
        if (n <= 0 || l.Count == 0)
            return result;
        r.ReserveItems(l.Count * (double)n > long.MaxValue / 2 ? long.MaxValue : l.Count * n);
        for (var i = 0; i < n; i++)
            foreach (var item in l)
            {
                r.Tick();
                result.Add(item);
            }
        return result;
    }

    private static object Numbers(string op, object a, object b)
    {
        if (a is double || b is double || op == "/")
            return Floats(op, Py.ToDouble(a), Py.ToDouble(b));
        var x = Py.ToLong(a);
        var y = Py.ToLong(b);
        try
        {
            return op switch
            {
                "+" => (object)checked(x + y),
                "-" => checked(x - y),
                "*" => checked(x * y),
                "//" => y == 0 ? throw new RenderError("integer division or modulo by zero") : FloorDiv(x, y),
                "%" => y == 0 ? throw new RenderError("integer division or modulo by zero") : x - FloorDiv(x, y) * y,
                "**" => y < 0 ? Math.Pow(x, y) : (object)Power(x, y),
                _ => throw new RenderError($"unknown operator {op}"),
            };
        }
        catch (OverflowException)
        {
            throw new RenderError($"integer overflow in {x} {op} {y}");
        }
    }

    private static long FloorDiv(long x, long y)
    {
        var q = x / y;
        return (x % y != 0) && ((x < 0) != (y < 0)) ? q - 1 : q;
    }

    /// <summary>x ** y by squaring: at most ~126 checked multiplications whatever y is.</summary>
    private static long Power(long x, long y)
    {
        if (x is 0 or 1)
            return y == 0 ? 1 : x;
        if (x == -1)
            return y % 2 == 0 ? 1 : -1;
        long result = 1;
        while (y > 0)
        {
            if ((y & 1) == 1)
                result = checked(result * x);
            y >>= 1;
            if (y > 0)
                x = checked(x * x);
        }
        return result;
    }

    private static double Floats(string op, double x, double y) => op switch
    {
        "+" => x + y,
        "-" => x - y,
        "*" => x * y,
        "/" => y == 0 ? throw new RenderError("division by zero") : x / y,
        "//" => y == 0 ? throw new RenderError("float floor division by zero") : Math.Floor(x / y),
        "%" => y == 0 ? throw new RenderError("float modulo") : x - Math.Floor(x / y) * y,
        "**" => Math.Pow(x, y),
        _ => throw new RenderError($"unknown operator {op}"),
    };
}
