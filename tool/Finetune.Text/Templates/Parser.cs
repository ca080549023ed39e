namespace Finetune.Text.Templates;

/// <summary>Recursive-descent parser from tokens to the syntax tree, following Jinja2's grammar and precedence.</summary>
internal sealed partial class Parser
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
