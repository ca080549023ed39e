using System.Runtime.CompilerServices;
using System.Text;

namespace Finetune.Text.Templates;

/// <summary>Walks the syntax tree once per render; holds the output buffers, generation spans and sandbox budgets.</summary>
internal sealed class Renderer
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    private readonly string _name;
    private readonly CancellationToken _cancellation;
    private readonly Stack<StringBuilder> _buffers = new();
    private readonly List<(int Start, int Length)> _spans = [];
    private long _iterations;
    private int _depth;

    public Renderer(string name, TemplateLimits limits, CancellationToken cancellation)
    {
        _name = name;
        _cancellation = cancellation;
        Limits = limits;
    }

    public TemplateLimits Limits { get; }

    public TemplateRenderResult Render(IReadOnlyList<Stmt> body, IReadOnlyDictionary<string, object?> variables, DateTimeOffset now)
    {
        var globals = new Scope(null);
        foreach (var (name, fn) in Globals.Create(this, now))
            globals.Set(name, fn);
        var root = new Scope(globals);
        foreach (var (name, value) in variables)
            root.Set(name, value);
        var output = new StringBuilder();
        _buffers.Push(output);
        Exec(body, root);
        return new TemplateRenderResult(output.ToString(), _spans.ToArray());
    }

    /// <summary>Charges one loop iteration (or one range element) to the render's budget.</summary>
    public void Tick()
    {
        _cancellation.ThrowIfCancellationRequested();
        if (++_iterations > Limits.MaxLoopIterations)
            throw new LimitError($"loop iteration limit exceeded ({Limits.MaxLoopIterations} iterations)");
    }

    /// <summary>Fails before a string of <paramref name="chars"/> chars is built when it would exceed the output limit.</summary>
    public void Reserve(long chars) => Py.CheckChars(chars, Limits.MaxOutputChars);

    /// <summary>Fails before a list of <paramref name="items"/> elements is built when it would exceed the list limit.</summary>
    public void ReserveItems(long items)
    {
        if (items > Limits.MaxListItems)
            throw new LimitError($"list size limit exceeded ({Limits.MaxListItems} items)");
    }

    /// <summary>Python's <c>str(v)</c> within this render's output limit.</summary>
    public string Str(object? v) => Py.Str(v, Limits.MaxOutputChars);

    /// <summary><c>separator.join(items)</c>, checking the length as it grows.</summary>
    public string Join(string separator, IEnumerable<object?> items)
    {
        var sb = new StringBuilder();
        var first = true;
        foreach (var item in items)
        {
            var text = Str(item);
            Reserve(sb.Length + (first ? 0L : separator.Length) + text.Length);
            if (!first)
                sb.Append(separator);
            sb.Append(text);
            first = false;
        }
        return sb.ToString();
    }

    /// <summary>Very long operator chains nest deeply; fail cleanly instead of overflowing the stack.</summary>
    private static void EnsureStack()
    {
        if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            throw new LimitError("template nested too deeply to evaluate");
    }

    private void Write(string s)
    {
        var buffer = _buffers.Peek();
        Reserve(buffer.Length + (long)s.Length);
        buffer.Append(s);
    }

    private string Capture(IReadOnlyList<Stmt> body, Scope scope)
    {
        _buffers.Push(new StringBuilder());
        try
        {
            Exec(body, scope);
            return _buffers.Peek().ToString();
        }
        finally
        {
            _buffers.Pop();
        }
    }

    // ---- statements ----

    private Flow Exec(IReadOnlyList<Stmt> body, Scope scope)
    {
        foreach (var stmt in body)
        {
            var flow = ExecLocated(stmt, scope);
            if (flow != Flow.Normal)
                return flow;
        }
        return Flow.Normal;
    }

    private Flow ExecLocated(Stmt stmt, Scope scope)
    {
        try
        {
            _cancellation.ThrowIfCancellationRequested();
            EnsureStack();
            return ExecOne(stmt, scope);
        }
        catch (RenderError e)
        {
            throw Locate(e, stmt.Pos);
        }
    }

    private Flow ExecOne(Stmt stmt, Scope scope)
    {
        switch (stmt)
        {
            case TextStmt t:
                Write(t.Text);
                return Flow.Normal;
            case OutputStmt o:
                Write(Str(Eval(o.Value, scope)));
                return Flow.Normal;
            case IfStmt i:
                foreach (var (condition, branch) in i.Branches)
                    if (Py.Truthy(Eval(condition, scope)))
                        return Exec(branch, scope);
                return Exec(i.Else, scope);
            case ForStmt f:
                ExecFor(f, scope);
                return Flow.Normal;
            case SetStmt s:
                Assign(s.Target, Eval(s.Value, scope), scope);
                return Flow.Normal;
            case SetBlockStmt b:
                Assign(b.Target, ApplyFilters(b.Filters, Capture(b.Body, scope), scope), scope);
                return Flow.Normal;
            case FilterBlockStmt fb:
                Write(Str(ApplyFilters(fb.Filters, Capture(fb.Body, scope), scope)));
                return Flow.Normal;
            case MacroStmt m:
                scope.Set(m.Name, new Macro(m.Name, m.Params, m.Body, scope));
                return Flow.Normal;
            case CallBlockStmt c:
                var caller = new Macro("caller", c.CallerParams, c.Body, scope);
                Write(Str(EvalCall(c.Call, scope, caller)));
                return Flow.Normal;
            case GenerationStmt g:
                ExecGeneration(g, scope);
                return Flow.Normal;
            case BreakStmt:
                return Flow.Break;
            case ContinueStmt:
                return Flow.Continue;
            default:
                throw new RenderError($"unsupported statement {stmt.GetType().Name}");
        }
    }

    private void ExecFor(ForStmt f, Scope scope)
    {
        // Every item pulled from the iterable is charged once, so a filtered runaway range is bounded too.
        var iterable = Eval(f.Iterable, scope);
        var items = new List<object?>();
        foreach (var item in iterable is RangeValue range ? range.Iterate(charge: false) : Py.Iterate(iterable))
        {
            Tick();
            if (f.Filter != null)
            {
                var test = new Scope(scope);
                Assign(f.Target, item, test);
                if (!Py.Truthy(Eval(f.Filter, test)))
                    continue;
            }
            items.Add(item);
        }

        var loop = new LoopInfo(items);
        for (var i = 0; i < items.Count; i++)
        {
            loop.Index0 = i;
            var inner = new Scope(scope);
            inner.Set("loop", loop);
            Assign(f.Target, items[i], inner);
            if (Exec(f.Body, inner) == Flow.Break)
                break;
        }
        if (items.Count == 0)
            Exec(f.Else, scope);
    }

    private void ExecGeneration(GenerationStmt g, Scope scope)
    {
        var atRoot = _buffers.Count == 1;
        var start = _buffers.Peek().Length;
        Exec(g.Body, scope);
        if (atRoot)
            _spans.Add((start, _buffers.Peek().Length - start));
    }

    private void Assign(Target target, object? value, Scope scope)
    {
        switch (target)
        {
            case NameTarget n:
                scope.Set(n.Name, value);
                break;
            case TupleTarget t:
                var values = Py.Iterate(value).ToList();
                if (values.Count != t.Names.Count)
                    throw new RenderError($"cannot unpack {values.Count} values into {t.Names.Count} names");
                for (var i = 0; i < values.Count; i++)
                    scope.Set(t.Names[i], values[i]);
                break;
            case AttrTarget a:
                if (scope.Lookup(a.Name) is not Namespace ns)
                    throw new RenderError($"cannot assign attribute on '{a.Name}': only namespace() objects take attribute assignment");
                ns.Attributes[a.Attr] = value;
                break;
        }
    }

    private object? ApplyFilters(IReadOnlyList<FilterExpr> filters, object? value, Scope scope)
    {
        foreach (var f in filters)
            value = Filters.Apply(this, f.Name, value, EvalArgs(f.Args, f.Kwargs, scope));
        return value;
    }

    // ---- expressions ----

    public object? Eval(Expr expr, Scope scope)
    {
        try
        {
            EnsureStack();
            return EvalCore(expr, scope);
        }
        catch (RenderError e)
        {
            throw Locate(e, expr.Pos);
        }
    }

    private object? EvalCore(Expr expr, Scope scope)
    {
        switch (expr)
        {
            case LiteralExpr l:
                return l.Value;
            case NameExpr n:
                return scope.Lookup(n.Name);
            case ListExpr l:
                return new PyList(l.Items.Select(i => Eval(i, scope)), l.IsTuple);
            case DictExpr d:
                var dict = new PyDict();
                foreach (var (key, value) in d.Items)
                    dict[Py.Str(Eval(key, scope))] = Eval(value, scope);
                return dict;
            case AttrExpr a:
                return Members.GetAttr(this, Eval(a.Target, scope), a.Name);
            case ItemExpr i:
                return Members.GetItem(this, Eval(i.Target, scope), Eval(i.Key, scope));
            case SliceExpr s:
                return Members.Slice(Eval(s.Target, scope), Optional(s.Start, scope), Optional(s.Stop, scope), Optional(s.Step, scope));
            case CallExpr c:
                return EvalCall(c, scope, caller: null);
            case FilterExpr f:
                return Filters.Apply(this, f.Name, f.Value == null ? Undefined.Instance : Eval(f.Value, scope), EvalArgs(f.Args, f.Kwargs, scope));
            case TestExpr t:
                var args = t.Args.Select(a => Eval(a, scope)).ToList();
                return Tests.Apply(t.Name, Eval(t.Value, scope), args) != t.Negated;
            case UnaryExpr u:
                return EvalUnary(u, scope);
            case BinaryExpr b:
                return EvalBinary(b, scope);
            case CompareExpr c:
                return EvalCompare(c, scope);
            case SpreadExpr:
                throw new RenderError("'*' and '**' unpacking is only allowed in call arguments");
            case CondExpr c:
                return Py.Truthy(Eval(c.Condition, scope)) ? Eval(c.Then, scope) : c.Else == null ? Undefined.Instance : Eval(c.Else, scope);
            default:
                throw new RenderError($"unsupported expression {expr.GetType().Name}");
        }
    }

    private object? Optional(Expr? e, Scope scope) => e == null ? null : Eval(e, scope);

    private CallArgs EvalArgs(IReadOnlyList<Expr> args, IReadOnlyList<(string Name, Expr Value)> kwargs, Scope scope)
    {
        if (args.Count == 0 && kwargs.Count == 0)
            return CallArgs.Empty;
        var positional = new List<object?>();
        foreach (var a in args)
        {
            if (a is SpreadExpr spread)
                foreach (var item in Py.Iterate(Eval(spread.Value, scope)))
                {
                    Tick();
                    positional.Add(item);
                }
            else
                positional.Add(Eval(a, scope));
        }
        var keywords = new List<KeyValuePair<string, object?>>();
        foreach (var (name, value) in kwargs)
        {
            if (name != SpreadExpr.KeywordsName)
            {
                keywords.Add(new(name, Eval(value, scope)));
                continue;
            }
            if (Eval(value, scope) is not PyDict mapping)
                throw new RenderError("argument after ** must be a mapping");
            foreach (var (key, item) in mapping)
            {
                if (keywords.Any(k => k.Key == key))
                    throw new RenderError($"got multiple values for keyword argument '{key}'");
                keywords.Add(new(key, item));
            }
        }
        return new CallArgs(positional, keywords);
    }

    private object? EvalCall(CallExpr c, Scope scope, Macro? caller)
    {
        var callee = Eval(c.Callee, scope);
        var args = EvalArgs(c.Args, c.Kwargs, scope);
        return callee switch
        {
            Macro m => CallMacro(m, args, caller),
            BuiltinFunction f => f.Invoke(args),
            Undefined => throw new RenderError($"{Describe(c.Callee)} is undefined and cannot be called"),
            _ => throw new RenderError($"'{Py.TypeName(callee)}' object is not callable"),
        };
    }

    private static string Describe(Expr e) => e switch
    {
        NameExpr n => $"'{n.Name}'",
        AttrExpr a => $"'{a.Name}'",
        _ => "the value",
    };

    /// <summary>Calls a macro: binds arguments, renders its body into its own buffer, returns the text.</summary>
    public string CallMacro(Macro m, CallArgs args, Macro? caller = null)
    {
        if (_depth >= Limits.MaxRecursionDepth)
            throw new LimitError($"recursion depth limit exceeded ({Limits.MaxRecursionDepth} nested macro calls)");
        var scope = new Scope(m.Closure);
        var used = 0;
        for (var i = 0; i < m.Parameters.Count; i++)
        {
            var p = m.Parameters[i];
            if (i < args.Positional.Count)
            {
                scope.Set(p.Name, args.Positional[i]);
                used++;
            }
            else if (args.Keywords.FirstOrDefault(k => k.Key == p.Name) is { Key: not null } kw)
                scope.Set(p.Name, kw.Value);
            else
                scope.Set(p.Name, p.Default == null ? Undefined.Instance : Eval(p.Default, scope));
        }
        scope.Set("varargs", new PyList(args.Positional.Skip(used), isTuple: true));
        var extra = new PyDict();
        foreach (var (key, value) in args.Keywords)
            if (m.Parameters.All(p => p.Name != key))
                extra[key] = value;
        scope.Set("kwargs", extra);
        if (caller != null)
            scope.Set("caller", caller);

        _depth++;
        try
        {
            return Capture(m.Body, scope);
        }
        finally
        {
            _depth--;
        }
    }

    private object? EvalUnary(UnaryExpr u, Scope scope)
    {
        var v = Eval(u.Operand, scope);
        return u.Op switch
        {
            "not" => !Py.Truthy(v),
            "-" => v switch
            {
                long l => (object)(-l),
                double d => -d,
                bool b => b ? -1L : 0L,
                _ => throw new RenderError($"bad operand type for unary -: '{Py.TypeName(v)}'"),
            },
            _ => Py.IsNumber(v) ? v is bool b2 ? (b2 ? 1L : 0L) : v : throw new RenderError($"bad operand type for unary +: '{Py.TypeName(v)}'"),
        };
    }

    private object? EvalBinary(BinaryExpr b, Scope scope)
    {
        var left = Eval(b.Left, scope);
        switch (b.Op)
        {
            case "and":
                return Py.Truthy(left) ? Eval(b.Right, scope) : left;
            case "or":
                return Py.Truthy(left) ? left : Eval(b.Right, scope);
            case "~":
                var leftText = Str(left);
                var rightText = Str(Eval(b.Right, scope));
                Reserve(leftText.Length + (long)rightText.Length);
                return leftText + rightText;
            default:
                return Arithmetic.Apply(this, b.Op, left, Eval(b.Right, scope));
        }
    }

    private bool EvalCompare(CompareExpr c, Scope scope)
    {
        var left = Eval(c.First, scope);
        foreach (var (op, operand) in c.Rest)
        {
            var right = Eval(operand, scope);
            var ok = op switch
            {
                "==" => Py.Equals(left, right),
                "!=" => !Py.Equals(left, right),
                "<" => Py.Compare(left, right) < 0,
                "<=" => Py.Compare(left, right) <= 0,
                ">" => Py.Compare(left, right) > 0,
                ">=" => Py.Compare(left, right) >= 0,
                "in" => Py.Contains(right, left),
                _ => !Py.Contains(right, left),
            };
            if (!ok)
                return false;
            left = right;
        }
        return true;
    }

    private TemplateException Locate(RenderError e, Pos pos) => e switch
    {
        RaisedError => new TemplateRaisedException(e.Message, _name, pos.Line, pos.Column),
        LimitError => new TemplateLimitException(e.Message, _name, pos.Line, pos.Column),
        _ => new TemplateRuntimeException(e.Message, _name, pos.Line, pos.Column),
    };
}
