using System.Globalization;

namespace Finetune.Text.Templates;

/// <summary>Expressions, with Jinja2's precedence: if-else, or, and, not, comparisons, + -, ~, * / // %, **, unary, filters/tests, postfix.</summary>
internal sealed partial class Parser
{
    private Expr ParseTupleOrExpression()
    {
        var first = ParseExpression();
        if (!Current.IsOp(","))
            return first;
        var items = new List<Expr> { first };
        while (Current.IsOp(","))
        {
            Next();
            if (Current.Kind is TokenKind.BlockEnd or TokenKind.VariableEnd)
                break;
            items.Add(ParseExpression());
        }
        return new ListExpr(first.Pos, items, IsTuple: true);
    }

    private Expr ParseExpression()
    {
        Enter();
        try
        {
            return ParseCondition(allowInlineIf: true);
        }
        finally
        {
            _nesting--;
        }
    }

    private Expr ParseCondition(bool allowInlineIf)
    {
        var expr = ParseOr();
        while (allowInlineIf && Current.IsName("if"))
        {
            var t = Next();
            var condition = ParseOr();
            Expr? otherwise = null;
            if (Current.IsName("else"))
            {
                Next();
                otherwise = ParseCondition(allowInlineIf: true);
            }
            expr = new CondExpr(At(t), condition, expr, otherwise);
        }
        return expr;
    }

    private Expr ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var t = Next();
            left = new BinaryExpr(At(t), "or", left, ParseAnd());
        }
        return left;
    }

    private Expr ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var t = Next();
            left = new BinaryExpr(At(t), "and", left, ParseNot());
        }
        return left;
    }

    private Expr ParseNot()
    {
        if (!Current.IsName("not"))
            return ParseCompare();
        var t = Next();
        Enter();
        var operand = ParseNot();
        _nesting--;
        return new UnaryExpr(At(t), "not", operand);
    }

    private Expr ParseCompare()
    {
        var first = ParseMath1();
        var rest = new List<(string, Expr)>();
        while (true)
        {
            var t = Current;
            if (t.Kind == TokenKind.Operator && CompareOps.Contains(t.Value))
            {
                Next();
                rest.Add((t.Value, ParseMath1()));
            }
            else if (t.IsName("in"))
            {
                Next();
                rest.Add(("in", ParseMath1()));
            }
            else if (t.IsName("not") && Peek().IsName("in"))
            {
                Next();
                Next();
                rest.Add(("not in", ParseMath1()));
            }
            else
                break;
        }
        return rest.Count == 0 ? first : new CompareExpr(first.Pos, first, rest);
    }

    private Expr ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOp("+") || Current.IsOp("-"))
        {
            var t = Next();
            left = new BinaryExpr(At(t), t.Value, left, ParseConcat());
        }
        return left;
    }

    private Expr ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOp("~"))
        {
            var t = Next();
            left = new BinaryExpr(At(t), "~", left, ParseMath2());
        }
        return left;
    }

    private Expr ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var t = Next();
            left = new BinaryExpr(At(t), t.Value, left, ParsePow());
        }
        return left;
    }

    private Expr ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (Current.IsOp("**"))
        {
            var t = Next();
            left = new BinaryExpr(At(t), "**", left, ParseUnary(withFilter: true));
        }
        return left;
    }

    private Expr ParseUnary(bool withFilter)
    {
        var t = Current;
        Expr node;
        if (t.IsOp("-") || t.IsOp("+"))
        {
            Next();
            Enter();
            node = new UnaryExpr(At(t), t.Value, ParseUnary(withFilter: false));
            _nesting--;
        }
        else
            node = ParsePrimary();
        node = ParsePostfix(node);
        return withFilter ? ParseFilterAndTests(node) : node;
    }

    private Expr ParsePrimaryWithPostfix() => ParsePostfix(ParsePrimary());

    private Expr ParsePrimary()
    {
        var t = Next();
        switch (t.Kind)
        {
            case TokenKind.Name:
                return t.Value switch
                {
                    "true" or "True" => new LiteralExpr(At(t), true),
                    "false" or "False" => new LiteralExpr(At(t), false),
                    "none" or "None" => new LiteralExpr(At(t), null),
                    _ => new NameExpr(At(t), t.Value),
                };
            case TokenKind.String:
                var text = t.Value;
                while (Current.Kind == TokenKind.String)
                    text += Next().Value;
                return new LiteralExpr(At(t), text);
            case TokenKind.Integer:
                return new LiteralExpr(At(t), long.TryParse(t.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var l)
                    ? l
                    : throw Error($"integer literal {t.Value} is too large", t));
            case TokenKind.Float:
                return new LiteralExpr(At(t), double.Parse(t.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.Operator when t.Value == "(":
                return ParseParenthesized(t);
            case TokenKind.Operator when t.Value == "[":
                return new ListExpr(At(t), ParseItems("]"), IsTuple: false);
            case TokenKind.Operator when t.Value == "{":
                return ParseDict(t);
            default:
                _i--;
                throw Unexpected(t);
        }
    }

    private Expr ParseParenthesized(Token open)
    {
        if (Current.IsOp(")"))
        {
            Next();
            return new ListExpr(At(open), [], IsTuple: true);
        }
        var first = ParseExpression();
        if (Current.IsOp(")"))
        {
            Next();
            return first;
        }
        ExpectSeparator(")");
        var items = new List<Expr> { first };
        items.AddRange(ParseItems(")"));
        return new ListExpr(At(open), items, IsTuple: true);
    }

    private List<Expr> ParseItems(string close)
    {
        var items = new List<Expr>();
        while (!Current.IsOp(close))
        {
            if (items.Count > 0)
            {
                ExpectSeparator(close);
                if (Current.IsOp(close))
                    break;
            }
            items.Add(ParseExpression());
        }
        Next();
        return items;
    }

    private Expr ParseDict(Token open)
    {
        var items = new List<(Expr, Expr)>();
        while (!Current.IsOp("}"))
        {
            if (items.Count > 0)
            {
                ExpectSeparator("}");
                if (Current.IsOp("}"))
                    break;
            }
            var key = ParseExpression();
            Expect(TokenKind.Operator, ":");
            items.Add((key, ParseExpression()));
        }
        Next();
        return new DictExpr(At(open), items);
    }

    private Expr ParsePostfix(Expr node)
    {
        while (true)
        {
            var t = Current;
            if (t.IsOp("."))
            {
                Next();
                var attr = Next();
                node = attr.Kind switch
                {
                    TokenKind.Name => new AttrExpr(At(t), node, attr.Value),
                    TokenKind.Integer => new ItemExpr(At(t), node, new LiteralExpr(At(attr), long.Parse(attr.Value, CultureInfo.InvariantCulture))),
                    _ => throw Error($"expected an attribute name after '.', got {attr.Describe()}", attr),
                };
            }
            else if (t.IsOp("["))
            {
                Next();
                node = ParseSubscript(t, node);
            }
            else if (t.IsOp("("))
            {
                Next();
                var (args, kwargs) = ParseCallArgs();
                node = new CallExpr(node.Pos, node, args, kwargs);
            }
            else
                return node;
        }
    }

    private Expr ParseSubscript(Token open, Expr target)
    {
        Expr? start = null;
        if (!Current.IsOp(":"))
        {
            start = ParseExpression();
            if (Current.IsOp("]"))
            {
                Next();
                return new ItemExpr(At(open), target, start);
            }
        }
        Expect(TokenKind.Operator, ":");
        Expr? stop = null, step = null;
        if (!Current.IsOp("]") && !Current.IsOp(":"))
            stop = ParseExpression();
        if (Current.IsOp(":"))
        {
            Next();
            if (!Current.IsOp("]"))
                step = ParseExpression();
        }
        Expect(TokenKind.Operator, "]");
        return new SliceExpr(At(open), target, start, stop, step);
    }

    /// <summary>
    /// Call arguments as Jinja2 parses them: positional, then keywords; one <c>*iterable</c> (after the
    /// positional ones, before <c>**</c>) and one <c>**mapping</c> (last). <c>*x</c> becomes a
    /// <see cref="SpreadExpr"/> at the end of the positional list and <c>**x</c> the keyword named <c>**</c>.
    /// </summary>
    private (List<Expr> Args, List<(string, Expr)> Kwargs) ParseCallArgs()
    {
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        SpreadExpr? dynArgs = null;
        Expr? dynKwargs = null;
        var first = true;
        while (!Current.IsOp(")"))
        {
            if (!first)
            {
                ExpectSeparator(")");
                if (Current.IsOp(")"))
                    break;
            }
            first = false;
            if (Current.IsOp("*"))
            {
                var star = Next();
                if (dynArgs != null || dynKwargs != null)
                    throw Error("invalid syntax for function call expression: '*' after '*' or '**'", star);
                dynArgs = new SpreadExpr(At(star), ParseExpression());
            }
            else if (Current.IsOp("**"))
            {
                var stars = Next();
                if (dynKwargs != null)
                    throw Error("invalid syntax for function call expression: a second '**'", stars);
                dynKwargs = ParseExpression();
            }
            else if (Current.Kind == TokenKind.Name && Peek().IsOp("="))
            {
                if (dynKwargs != null)
                    throw Error("invalid syntax for function call expression: keyword argument after '**'", Current);
                var name = Next().Value;
                Next();
                kwargs.Add((name, ParseExpression()));
            }
            else if (kwargs.Count > 0 || dynArgs != null || dynKwargs != null)
                throw Error("positional argument follows keyword argument or unpacking", Current);
            else
                args.Add(ParseExpression());
        }
        Next();
        if (dynArgs != null)
            args.Add(dynArgs);
        if (dynKwargs != null)
            kwargs.Add((SpreadExpr.KeywordsName, dynKwargs));
        return (args, kwargs);
    }

    private Expr ParseFilterAndTests(Expr node)
    {
        while (true)
        {
            if (Current.IsOp("|"))
            {
                Next();
                node = ParseFilter(node);
            }
            else if (Current.IsName("is"))
            {
                var t = Next();
                var negated = false;
                if (Current.IsName("not"))
                {
                    Next();
                    negated = true;
                }
                var nameToken = ExpectName();
                var name = nameToken.Value;
                if (!Tests.Exists(name))
                    throw Error($"no test named '{name}'", nameToken);
                var args = new List<Expr>();
                if (Current.IsOp("("))
                {
                    Next();
                    var (a, kw) = ParseCallArgs();
                    if (kw.Count > 0)
                        throw Error("tests take no keyword arguments", t);
                    args = a;
                }
                else if (StartsBareTestArgument(Current))
                    args.Add(ParsePrimaryWithPostfix());
                node = new TestExpr(At(t), node, name, args, negated);
            }
            else
                return node;
        }
    }

    private static bool StartsBareTestArgument(Token t) =>
        t.Kind is TokenKind.String or TokenKind.Integer or TokenKind.Float
        || (t.Kind == TokenKind.Name && t.Value is not ("else" or "or" or "and" or "if" or "in" or "not" or "is"))
        || t.IsOp("[") || t.IsOp("{");

    private FilterExpr ParseFilter(Expr? value)
    {
        var nameToken = ExpectName();
        var name = nameToken.Value;
        while (Current.IsOp(".") && Peek().Kind == TokenKind.Name)
        {
            Next();
            name += "." + Next().Value;
        }
        if (!Filters.Exists(name))
            throw Error($"no filter named '{name}'", nameToken);
        List<Expr> args = [];
        List<(string, Expr)> kwargs = [];
        if (Current.IsOp("("))
        {
            Next();
            (args, kwargs) = ParseCallArgs();
        }
        return new FilterExpr(At(nameToken), value, name, args, kwargs);
    }
}
