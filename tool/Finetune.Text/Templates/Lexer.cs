using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Finetune.Text.Templates;

/// <summary>
/// Splits template source into tokens with Hugging Face's Jinja settings: trim_blocks (drop the first
/// newline after a block or comment tag), lstrip_blocks (drop spaces/tabs before a block or comment tag
/// at line start) and the <c>-</c>/<c>+</c> whitespace-control signs.
/// </summary>
internal sealed partial class Lexer
{
    private static readonly string[] Operators =
        ["**", "//", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|", "=", "<", ">"];

    private readonly string _src;
    private readonly string _name;
    private readonly List<Token> _tokens = [];
    private readonly List<int> _lineStarts = [];
    private int _pos;

    private Lexer(string source, string name)
    {
        _src = Normalize(source);
        _name = name;
        _lineStarts.Add(0);
        for (var i = 0; i < _src.Length; i++)
            if (_src[i] == '\n')
                _lineStarts.Add(i + 1);
    }

    public static List<Token> Tokenize(string source, string name)
    {
        var lexer = new Lexer(source, name);
        lexer.Run();
        return lexer._tokens;
    }

    /// <summary>Jinja normalises every newline to \n and drops one trailing newline (keep_trailing_newline=False).</summary>
    private static string Normalize(string source)
    {
        var s = source.Replace("\r\n", "\n").Replace('\r', '\n');
        return s.EndsWith('\n') ? s[..^1] : s;
    }

    private void Run()
    {
        while (_pos < _src.Length)
        {
            var textStart = _pos;
            var tag = FindTagStart(_pos);
            var text = _src[textStart..tag];
            if (tag >= _src.Length)
            {
                Emit(TokenKind.Text, text, textStart);
                break;
            }

            var kind = _src[tag + 1];
            var sign = tag + 2 < _src.Length ? _src[tag + 2] : '\0';
            if (sign == '-')
                text = text.TrimEnd();
            else if (sign != '+' && kind != '{')
                text = LStrip(text, textStart);
            Emit(TokenKind.Text, text, textStart);

            _pos = tag + 2 + (sign is '-' or '+' ? 1 : 0);
            if (kind == '#')
                SkipComment(tag);
            else if (kind == '%' && RawBegin().Match(_src, _pos) is { Success: true } raw)
                LexRaw(tag, raw);
            else
                LexTag(kind == '{' ? TokenKind.VariableBegin : TokenKind.BlockBegin, tag);
        }

        var (line, col) = Position(_src.Length);
        _tokens.Add(new Token(TokenKind.Eof, "", line, col));
    }

    private int FindTagStart(int from)
    {
        for (var i = from; i + 1 < _src.Length; i++)
            if (_src[i] == '{' && _src[i + 1] is '{' or '%' or '#')
                return i;
        return _src.Length;
    }

    /// <summary>lstrip_blocks: only spaces/tabs between the last line start and the tag are removed.</summary>
    private string LStrip(string text, int textStart)
    {
        var lineStart = text.LastIndexOf('\n') + 1;
        var lineStarting = textStart == 0 || _src[textStart - 1] == '\n';
        if (lineStart == 0 && !lineStarting)
            return text;
        for (var i = lineStart; i < text.Length; i++)
            if (text[i] is not (' ' or '\t'))
                return text;
        return text[..lineStart];
    }

    [GeneratedRegex(@"\G\s*raw\s*([-+]?)%\}")]
    private static partial Regex RawBegin();

    [GeneratedRegex(@"\{%([-+]?)\s*endraw\s*([-+]?)%\}")]
    private static partial Regex RawEnd();

    /// <summary><c>{% raw %}...{% endraw %}</c>: the body is text. Whitespace rules as in Jinja (no trim after "raw %}").</summary>
    private void LexRaw(int tagStart, Match raw)
    {
        _pos = raw.Index + raw.Length;
        if (raw.Groups[1].Value == "-")
            SkipWhitespace();
        var end = RawEnd().Match(_src, _pos);
        if (!end.Success)
            throw Error("missing '{% endraw %}'", tagStart);
        var text = _src[_pos..end.Index];
        if (end.Groups[1].Value == "-")
            text = text.TrimEnd();
        else if (end.Groups[1].Value != "+")
            text = LStrip(text, _pos);
        Emit(TokenKind.Text, text, _pos);
        _pos = end.Index + end.Length;
        AfterBlockEnd(end.Groups[2].Value == "-", end.Groups[2].Value == "+");
    }

    private void SkipComment(int tagStart)
    {
        var end = _src.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
            throw Error("unclosed comment: missing '#}'", tagStart);
        var strip = end > _pos && _src[end - 1] == '-';
        var plus = end > _pos && _src[end - 1] == '+';
        _pos = end + 2;
        AfterBlockEnd(strip, plus);
    }

    private void AfterBlockEnd(bool strip, bool plus)
    {
        if (strip)
            SkipWhitespace();
        else if (!plus && _pos < _src.Length && _src[_pos] == '\n')
            _pos++;
    }

    private void SkipWhitespace()
    {
        while (_pos < _src.Length && char.IsWhiteSpace(_src[_pos]))
            _pos++;
    }

    private void LexTag(TokenKind begin, int tagStart)
    {
        Emit(begin, begin == TokenKind.VariableBegin ? "{{" : "{%", tagStart);
        var close = begin == TokenKind.VariableBegin ? '}' : '%';
        var brackets = new Stack<char>();
        while (true)
        {
            while (_pos < _src.Length && char.IsWhiteSpace(_src[_pos]))
                _pos++;
            if (_pos >= _src.Length)
                throw Error(begin == TokenKind.VariableBegin ? "unexpected end of template, expected '}}'" : "unexpected end of template, expected '%}'", _pos);

            // Inside a dict literal '}}' closes braces; anywhere else it ends the tag (and the parser reports what is unclosed).
            if ((brackets.Count == 0 || brackets.Peek() != '{' || close == '%') && TryTagEnd(close))
                return;

            var c = _src[_pos];
            if (char.IsAsciiLetter(c) || c == '_')
                LexName();
            else if (char.IsAsciiDigit(c))
                LexNumber();
            else if (c is '\'' or '"')
                LexString();
            else
            {
                var op = Operators.FirstOrDefault(o => string.CompareOrdinal(_src, _pos, o, 0, o.Length) == 0)
                    ?? throw Error($"unexpected character '{c}'", _pos);
                if (op is "(" or "[" or "{")
                    brackets.Push(op[0]);
                else if (op is ")" or "]" or "}" && brackets.Count > 0)
                    brackets.Pop();
                Emit(TokenKind.Operator, op, _pos);
                _pos += op.Length;
            }
        }
    }

    private bool TryTagEnd(char close)
    {
        var start = _pos;
        var sign = _src[_pos] is '-' or '+' ? _src[_pos] : '\0';
        var at = sign == '\0' ? _pos : _pos + 1;
        if (at + 1 >= _src.Length || _src[at] != close || _src[at + 1] != '}')
            return false;
        var kind = close == '}' ? TokenKind.VariableEnd : TokenKind.BlockEnd;
        Emit(kind, close == '}' ? "}}" : "%}", start);
        _pos = at + 2;
        if (kind == TokenKind.BlockEnd)
            AfterBlockEnd(sign == '-', sign == '+');
        else if (sign == '-')
            SkipWhitespace();
        return true;
    }

    private void LexName()
    {
        var start = _pos;
        while (_pos < _src.Length && (char.IsAsciiLetterOrDigit(_src[_pos]) || _src[_pos] == '_'))
            _pos++;
        Emit(TokenKind.Name, _src[start.._pos], start);
    }

    private void LexNumber()
    {
        var start = _pos;
        SkipDigits();
        var isFloat = false;
        if (_pos + 1 < _src.Length && _src[_pos] == '.' && char.IsAsciiDigit(_src[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            SkipDigits();
        }
        if (_pos < _src.Length && _src[_pos] is 'e' or 'E')
        {
            var save = _pos;
            _pos++;
            if (_pos < _src.Length && _src[_pos] is '+' or '-')
                _pos++;
            if (_pos < _src.Length && char.IsAsciiDigit(_src[_pos]))
            {
                isFloat = true;
                SkipDigits();
            }
            else
                _pos = save;
        }
        var text = _src[start.._pos].Replace("_", "");
        Emit(isFloat ? TokenKind.Float : TokenKind.Integer, text, start);
    }

    private void SkipDigits()
    {
        while (_pos < _src.Length && (char.IsAsciiDigit(_src[_pos]) || (_src[_pos] == '_' && _pos + 1 < _src.Length && char.IsAsciiDigit(_src[_pos + 1]))))
            _pos++;
    }

    /// <summary>String literal with Python escapes (\n, \t, \xNN, \uNNNN, \UNNNNNNNN, octal); unknown escapes stay as written.</summary>
    private void LexString()
    {
        var start = _pos;
        var quote = _src[_pos++];
        var sb = new StringBuilder();
        while (true)
        {
            if (_pos >= _src.Length)
                throw Error("unterminated string literal", start);
            var c = _src[_pos++];
            if (c == quote)
                break;
            if (c != '\\' || _pos >= _src.Length)
            {
                sb.Append(c);
                continue;
            }
            var e = _src[_pos++];
            switch (e)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'r': sb.Append('\r'); break;
                case '\\': sb.Append('\\'); break;
                case '\'': sb.Append('\''); break;
                case '"': sb.Append('"'); break;
                case 'a': sb.Append('\a'); break;
                case 'b': sb.Append('\b'); break;
                case 'f': sb.Append('\f'); break;
                case 'v': sb.Append('\v'); break;
                case '\n': break;
                case 'x': sb.Append(ReadHex(2, start)); break;
                case 'u': sb.Append(ReadHex(4, start)); break;
                case 'U': sb.Append(ReadHex(8, start)); break;
                case >= '0' and <= '7':
                    var oct = e - '0';
                    for (var k = 0; k < 2 && _pos < _src.Length && _src[_pos] is >= '0' and <= '7'; k++)
                        oct = oct * 8 + (_src[_pos++] - '0');
                    sb.Append(char.ConvertFromUtf32(oct));
                    break;
                default: sb.Append('\\').Append(e); break;
            }
        }
        Emit(TokenKind.String, sb.ToString(), start);
    }

    private string ReadHex(int digits, int start)
    {
        if (_pos + digits > _src.Length
            || !int.TryParse(_src.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            throw Error($"truncated \\{(digits == 2 ? 'x' : digits == 4 ? 'u' : 'U')} escape in string literal", start);
        _pos += digits;
        return code is >= 0xD800 and <= 0xDFFF ? ((char)code).ToString() : char.ConvertFromUtf32(code);
    }

    private void Emit(TokenKind kind, string value, int offset)
    {
        if (kind == TokenKind.Text && value.Length == 0)
            return;
        var (line, col) = Position(offset);
        _tokens.Add(new Token(kind, value, line, col));
    }

    private (int Line, int Column) Position(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        if (index < 0)
            index = ~index - 1;
        return (index + 1, offset - _lineStarts[index] + 1);
    }

    private TemplateSyntaxException Error(string message, int offset)
    {
        var (line, col) = Position(offset);
        return new TemplateSyntaxException(message, _name, line, col);
    }
}
