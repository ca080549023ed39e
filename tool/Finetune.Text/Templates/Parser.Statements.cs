namespace Finetune.Text.Templates;

/// <summary>Statements: if/for/set/macro/call/filter/generation/break/continue.</summary>
internal sealed partial class Parser
{
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
}
