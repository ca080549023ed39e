using System.Globalization;

namespace Finetune.Text.Templates;

/// <summary>Recursive-descent parser from tokens to the syntax tree, following Jinja2's grammar and precedence.</summary>
internal sealed class Parser
{
    private static readonly HashSet<string> CompareOps = ["==", "!=", "<", "<=", ">", ">="];

    /// <summary>Deepest nesting of expressions or blocks: keeps parsing and rendering off the end of the stack.</summary>
    private const int MaxNesting = 200;

    private readonly List<Token> _tokens;
    private readonly string _name;
    private int _i;
    private int _loopDepth;
    private int _nesting;

    private Parser(List<Token> tokens, string name)
    {
        _tokens = tokens;
        _name = name;
    }

    public static IReadOnlyList<Stmt> Parse(string source, string name)
    {
        var parser = new Parser(Lexer.Tokenize(source, name), name);
        var body = parser.ParseBody([], out _);
        return body;
    }

    private Token Current => _tokens[_i];

    private Token Peek(int ahead = 1) => _tokens[Math.Min(_i + ahead, _tokens.Count - 1)];

    private Token Next() => _tokens[_i++];

    /// <summary>Statements until one of <paramref name="endTags"/> (returned in <paramref name="endTag"/>, its tag name consumed) or EOF.</summary>
    private List<Stmt> ParseBody(string[] endTags, out string? endTag)
    {
        var body = new List<Stmt>();
        while (true)
        {
            var t = Current;
            switch (t.Kind)
            {
                case TokenKind.Eof:
                    if (endTags.Length > 0)
                        throw Error($"unexpected end of template, expected {string.Join(" or ", endTags.Select(e => $"'{e}'"))}", t);
                    endTag = null;
                    return body;
                case TokenKind.Text:
                    Next();
                    body.Add(new TextStmt(At(t), t.Value));
                    break;
                case TokenKind.VariableBegin:
                    Next();
                    var value = ParseExpression();
                    Expect(TokenKind.VariableEnd, "}}");
                    body.Add(new OutputStmt(At(t), value));
                    break;
                case TokenKind.BlockBegin:
                    var tag = Peek();
                    if (tag.Kind == TokenKind.Name && endTags.Contains(tag.Value))
                    {
                        Next();
                        Next();
                        endTag = tag.Value;
                        return body;
                    }
                    Next();
                    body.Add(ParseStatement());
                    break;
                default:
                    throw Unexpected(t);
            }
        }
    }

    private Stmt ParseStatement()
    {
        Enter();
        try
        {
            return ParseStatementCore();
        }
        finally
        {
            _nesting--;
        }
    }

    private void Enter()
    {
        if (++_nesting > MaxNesting)
            throw Error($"template nested too deeply (more than {MaxNesting} levels)", Current);
    }

    private Stmt ParseStatementCore()
    {
        var tag = Current;
        if (tag.Kind != TokenKind.Name)
            throw tag.Kind == TokenKind.BlockEnd ? Error("empty block tag '{% %}'", tag) : Unexpected(tag);
        Next();
        return tag.Value switch
        {
            "if" => ParseIf(tag),
            "for" => ParseFor(tag),
            "set" => ParseSet(tag),
            "macro" => ParseMacro(tag),
            "call" => ParseCallBlock(tag),
            "filter" => ParseFilterBlock(tag),
            "generation" => ParseGeneration(tag),
            "break" or "continue" when _loopDepth == 0 => throw Error($"'{tag.Value}' outside of a loop", tag),
            "break" => EndTag(new BreakStmt(At(tag))),
            "continue" => EndTag(new ContinueStmt(At(tag))),
            _ => throw Error(IsEndTag(tag.Value)
                ? $"unexpected '{{% {tag.Value} %}}' without a matching opening tag"
                : $"unknown tag '{tag.Value}'", tag),
        };
    }

    private static bool IsEndTag(string name) => name is "endif" or "endfor" or "endset" or "endmacro" or "endcall" or "endfilter" or "endgeneration" or "else" or "elif";

    private Stmt EndTag(Stmt stmt)
    {
        Expect(TokenKind.BlockEnd, "%}");
        return stmt;
    }

    private Stmt ParseIf(Token tag)
    {
        var branches = new List<(Expr, IReadOnlyList<Stmt>)>();
        var condition = ParseExpression();
        Expect(TokenKind.BlockEnd, "%}");
        while (true)
        {
            var body = ParseBody(["elif", "else", "endif"], out var end);
            branches.Add((condition, body));
            if (end == "elif")
            {
                condition = ParseExpression();
                Expect(TokenKind.BlockEnd, "%}");
                continue;
            }
            Expect(TokenKind.BlockEnd, "%}");
            if (end == "endif")
                return new IfStmt(At(tag), branches, []);
            var elseBody = ParseBody(["endif"], out _);
            Expect(TokenKind.BlockEnd, "%}");
            return new IfStmt(At(tag), branches, elseBody);
        }
    }

    private Stmt ParseFor(Token tag)
    {
        var target = ParseTarget(allowAttr: false);
        ExpectName("in");
        var iterable = ParseCondition(allowInlineIf: false);
        Expr? filter = null;
        if (Current.IsName("if"))
        {
            Next();
            filter = ParseExpression();
        }
        if (Current.IsName("recursive"))
            throw Error("recursive for loops are not supported", Current);
        Expect(TokenKind.BlockEnd, "%}");
        _loopDepth++;
        var body = ParseBody(["else", "endfor"], out var end);
        _loopDepth--;
        Expect(TokenKind.BlockEnd, "%}");
        IReadOnlyList<Stmt> elseBody = [];
        if (end == "else")
        {
            elseBody = ParseBody(["endfor"], out _);
            Expect(TokenKind.BlockEnd, "%}");
        }
        return new ForStmt(At(tag), target, iterable, filter, body, elseBody);
    }

    private Stmt ParseSet(Token tag)
    {
        var target = ParseTarget(allowAttr: true);
        if (Current.IsOp("="))
        {
            Next();
            var value = ParseTupleOrExpression();
            Expect(TokenKind.BlockEnd, "%}");
            return new SetStmt(At(tag), target, value);
        }
        var filters = ParseFilterChain();
        Expect(TokenKind.BlockEnd, "%}");
        var body = ParseBody(["endset"], out _);
        Expect(TokenKind.BlockEnd, "%}");
        return new SetBlockStmt(At(tag), target, filters, body);
    }

    private Stmt ParseMacro(Token tag)
    {
        var name = ExpectName();
        var parameters = ParseParams();
        Expect(TokenKind.BlockEnd, "%}");
        var outerLoops = _loopDepth;
        _loopDepth = 0;
        var body = ParseBody(["endmacro"], out _);
        _loopDepth = outerLoops;
        if (Current.Kind == TokenKind.Name)
            Next();
        Expect(TokenKind.BlockEnd, "%}");
        return new MacroStmt(At(tag), name.Value, parameters, body);
    }

    private Stmt ParseCallBlock(Token tag)
    {
        IReadOnlyList<Param> parameters = Current.IsOp("(") ? ParseParams() : [];
        var call = ParsePrimaryWithPostfix() as CallExpr ?? throw Error("expected a macro call after 'call'", tag);
        Expect(TokenKind.BlockEnd, "%}");
        var body = ParseBody(["endcall"], out _);
        Expect(TokenKind.BlockEnd, "%}");
        return new CallBlockStmt(At(tag), parameters, call, body);
    }

    private Stmt ParseFilterBlock(Token tag)
    {
        var filters = new List<FilterExpr> { ParseFilter(null) };
        filters.AddRange(ParseFilterChain());
        Expect(TokenKind.BlockEnd, "%}");
        var body = ParseBody(["endfilter"], out _);
        Expect(TokenKind.BlockEnd, "%}");
        return new FilterBlockStmt(At(tag), filters, body);
    }

    private Stmt ParseGeneration(Token tag)
    {
        Expect(TokenKind.BlockEnd, "%}");
        var body = ParseBody(["endgeneration"], out _);
        Expect(TokenKind.BlockEnd, "%}");
        return new GenerationStmt(At(tag), body);
    }

    private List<FilterExpr> ParseFilterChain()
    {
        var filters = new List<FilterExpr>();
        while (Current.IsOp("|"))
        {
            Next();
            filters.Add(ParseFilter(null));
        }
        return filters;
    }

    private List<Param> ParseParams()
    {
        Expect(TokenKind.Operator, "(");
        var parameters = new List<Param>();
        while (!Current.IsOp(")"))
        {
            if (parameters.Count > 0)
                ExpectSeparator(")");
            if (Current.IsOp(")"))
                break;
            var name = ExpectName().Value;
            Expr? defaultValue = null;
            if (Current.IsOp("="))
            {
                Next();
                defaultValue = ParseExpression();
            }
            parameters.Add(new Param(name, defaultValue));
        }
        Next();
        return parameters;
    }

    private Target ParseTarget(bool allowAttr)
    {
        var first = ExpectName();
        if (allowAttr && Current.IsOp("."))
        {
            Next();
            return new AttrTarget(At(first), first.Value, ExpectName().Value);
        }
        if (!Current.IsOp(","))
            return new NameTarget(At(first), first.Value);
        var names = new List<string> { first.Value };
        while (Current.IsOp(","))
        {
            Next();
            names.Add(ExpectName().Value);
        }
        return new TupleTarget(At(first), names);
    }

    // ---- expressions, lowest precedence first ----

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

    private (List<Expr> Args, List<(string, Expr)> Kwargs) ParseCallArgs()
    {
        var args = new List<Expr>();
        var kwargs = new List<(string, Expr)>();
        while (!Current.IsOp(")"))
        {
            if (args.Count + kwargs.Count > 0)
            {
                ExpectSeparator(")");
                if (Current.IsOp(")"))
                    break;
            }
            if (Current.Kind == TokenKind.Name && Peek().IsOp("="))
            {
                var name = Next().Value;
                Next();
                kwargs.Add((name, ParseExpression()));
            }
            else if (kwargs.Count > 0)
                throw Error("positional argument follows keyword argument", Current);
            else
                args.Add(ParseExpression());
        }
        Next();
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

    // ---- helpers ----

    private Token ExpectName(string? name = null)
    {
        var t = Current;
        if (t.Kind != TokenKind.Name || (name != null && t.Value != name))
            throw Error(name == null ? $"expected a name, got {t.Describe()}" : $"expected '{name}', got {t.Describe()}", t);
        return Next();
    }

    private void Expect(TokenKind kind, string value)
    {
        var t = Current;
        if (t.Kind != kind || t.Value != value)
            throw Error($"unexpected {t.Describe()}, expected '{value}'", t);
        Next();
    }

    private void ExpectSeparator(string close)
    {
        var t = Current;
        if (!t.IsOp(","))
            throw Error($"unexpected {t.Describe()}, expected ',' or '{close}'", t);
        Next();
    }

    private static Pos At(Token t) => new(t.Line, t.Column);

    private TemplateSyntaxException Unexpected(Token t) => Error($"unexpected {t.Describe()}", t);

    private TemplateSyntaxException Error(string message, Token t) => new(message, _name, t.Line, t.Column);
}
