namespace Finetune.Text.Templates;

/// <summary>
/// Which context variables a template reads, found on the syntax tree without rendering (as Jinja's
/// <c>meta.find_undeclared_variables</c>): every name used before the template binds it itself (for/set
/// targets, macro names and parameters, <c>loop</c>, <c>caller</c>) and that is not a global function.
/// Also the subset printed as text: <c>{{ name }}</c>, possibly through filters.
/// </summary>
internal sealed class TemplateVariables
{
    private static readonly HashSet<string> GlobalNames = ["range", "dict", "namespace", "raise_exception", "strftime_now"];

    private readonly SortedSet<string> _read = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _printed = new(StringComparer.Ordinal);

    public static (IReadOnlySet<string> Read, IReadOnlySet<string> Printed) Find(IReadOnlyList<Stmt> body)
    {
        var walker = new TemplateVariables();
        walker.Walk(body, new HashSet<string>(GlobalNames, StringComparer.Ordinal));
        return (walker._read, walker._printed);
    }

    private void Walk(IReadOnlyList<Stmt> body, HashSet<string> bound)
    {
        foreach (var stmt in body)
            Walk(stmt, bound);
    }

    private void Walk(Stmt stmt, HashSet<string> bound)
    {
        switch (stmt)
        {
            case OutputStmt o:
                Read(o.Value, bound);
                if (PrintedName(o.Value) is { } name && !bound.Contains(name))
                    _printed.Add(name);
                break;
            case IfStmt i:
                foreach (var (condition, branch) in i.Branches)
                {
                    Read(condition, bound);
                    Walk(branch, new HashSet<string>(bound, bound.Comparer));
                }
                Walk(i.Else, new HashSet<string>(bound, bound.Comparer));
                break;
            case ForStmt f:
                Read(f.Iterable, bound);
                var inner = new HashSet<string>(bound, bound.Comparer) { "loop" };
                Bind(f.Target, inner);
                if (f.Filter != null) Read(f.Filter, inner);
                Walk(f.Body, inner);
                Walk(f.Else, new HashSet<string>(bound, bound.Comparer));
                break;
            case SetStmt s:
                Read(s.Value, bound);
                Bind(s.Target, bound);
                break;
            case SetBlockStmt b:
                Walk(b.Body, new HashSet<string>(bound, bound.Comparer));
                foreach (var filter in b.Filters) Read(filter, bound);
                Bind(b.Target, bound);
                break;
            case FilterBlockStmt fb:
                foreach (var filter in fb.Filters) Read(filter, bound);
                Walk(fb.Body, new HashSet<string>(bound, bound.Comparer));
                break;
            case MacroStmt m:
                bound.Add(m.Name);
                var macroScope = new HashSet<string>(bound, bound.Comparer) { "caller", "varargs", "kwargs" };
                foreach (var p in m.Params)
                {
                    if (p.Default != null) Read(p.Default, bound);
                    macroScope.Add(p.Name);
                }
                Walk(m.Body, macroScope);
                break;
            case CallBlockStmt c:
                Read(c.Call, bound);
                var callerScope = new HashSet<string>(bound, bound.Comparer);
                foreach (var p in c.CallerParams) callerScope.Add(p.Name);
                Walk(c.Body, callerScope);
                break;
            case GenerationStmt g:
                Walk(g.Body, bound);
                break;
        }
    }

    private static void Bind(Target target, HashSet<string> bound)
    {
        switch (target)
        {
            case NameTarget n:
                bound.Add(n.Name);
                break;
            case TupleTarget t:
                foreach (var name in t.Names) bound.Add(name);
                break;
        }
    }

    /// <summary>The name an output statement prints as text: <c>name</c> or <c>name | f | g</c>.</summary>
    private static string? PrintedName(Expr e) => e switch
    {
        NameExpr n => n.Name,
        FilterExpr { Value: { } inner } => PrintedName(inner),
        _ => null,
    };

    private void Read(Expr? e, HashSet<string> bound)
    {
        switch (e)
        {
            case null or LiteralExpr:
                break;
            case NameExpr n:
                if (!bound.Contains(n.Name)) _read.Add(n.Name);
                break;
            case ListExpr l:
                foreach (var item in l.Items) Read(item, bound);
                break;
            case DictExpr d:
                foreach (var (key, value) in d.Items)
                {
                    Read(key, bound);
                    Read(value, bound);
                }
                break;
            case AttrExpr a:
                Read(a.Target, bound);
                break;
            case ItemExpr i:
                Read(i.Target, bound);
                Read(i.Key, bound);
                break;
            case SliceExpr s:
                Read(s.Target, bound);
                Read(s.Start, bound);
                Read(s.Stop, bound);
                Read(s.Step, bound);
                break;
            case CallExpr c:
                Read(c.Callee, bound);
                foreach (var arg in c.Args) Read(arg, bound);
                foreach (var (_, value) in c.Kwargs) Read(value, bound);
                break;
            case FilterExpr f:
                Read(f.Value, bound);
                foreach (var arg in f.Args) Read(arg, bound);
                foreach (var (_, value) in f.Kwargs) Read(value, bound);
                break;
            case TestExpr t:
                Read(t.Value, bound);
                foreach (var arg in t.Args) Read(arg, bound);
                break;
            case SpreadExpr spread:
                Read(spread.Value, bound);
                break;
            case UnaryExpr u:
                Read(u.Operand, bound);
                break;
            case BinaryExpr b:
                Read(b.Left, bound);
                Read(b.Right, bound);
                break;
            case CompareExpr c:
                Read(c.First, bound);
                foreach (var (_, operand) in c.Rest) Read(operand, bound);
                break;
            case CondExpr c:
                Read(c.Condition, bound);
                Read(c.Then, bound);
                Read(c.Else, bound);
                break;
        }
    }
}
