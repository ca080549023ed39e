using System.Text;

namespace Finetune.Pipeline.Data;

/// <summary>
/// Splits RFC 4180 text into records: fields separated by commas, records by CRLF, LF or CR; a field in
/// double quotes may hold commas, line breaks and doubled quotes (<c>""</c> = one quote). Lenient where
/// common files are: a quote inside an unquoted field is kept as a character, and empty lines between
/// records are skipped. Strict where data would be lost: an unterminated quote, text after a closing quote
/// or invalid UTF-8 is an error naming the line. Works on bytes (every structural character is ASCII) and
/// decodes each field strictly, so a bad byte is reported on its own line.
/// </summary>
internal sealed class CsvRecordParser(Stream stream, string file)
{
    private readonly byte[] _buffer = new byte[1 << 16];
    private byte[] _field = new byte[256];
    private int _fieldLength, _pos, _len;
    private long _line = 1;
    private bool _newlineBefore, _started;

    /// <summary>Each record's fields and the 1-based line it starts on.</summary>
    public IEnumerable<(List<string> Fields, long Line)> Records()
    {
        while (true)
        {
            var c = Next();
            if (c < 0)
                yield break;
            if (c is '\r' or '\n')
            {
                SkipLf(c);
                continue;
            }
            var start = _line;
            yield return (ReadRecord(c, start), start);
        }
    }

    private List<string> ReadRecord(int c, long start)
    {
        var fields = new List<string>();
        while (true)
        {
            c = c == '"' ? ReadQuoted(start) : ReadUnquoted(c);
            fields.Add(TakeField());
            if (c != ',')
            {
                SkipLf(c);
                return fields;
            }
            c = Next();
        }
    }

    /// <summary>Reads a quoted field's content; returns the character after the closing quote.</summary>
    private int ReadQuoted(long recordLine)
    {
        var opened = _line;
        while (true)
        {
            var c = Next();
            if (c < 0)
                throw new DataException(file, $"line {recordLine}", $"unterminated quoted field (the quote opens on line {opened})");
            if (c == '"')
            {
                c = Next();
                if (c != '"')
                {
                    if (c is ',' or '\r' or '\n' or -1)
                        return c;
                    var shown = c < 0x80 ? $"'{(char)c}'" : $"byte 0x{c:X2}";
                    throw new DataException(file, $"line {_line}", $"unexpected {shown} after a closing quote (a quote inside a quoted field is written \"\")");
                }
            }
            Append(c);
        }
    }

    /// <summary>Reads an unquoted field starting with <paramref name="c"/>; returns the character that ends it.</summary>
    private int ReadUnquoted(int c)
    {
        while (c is not (',' or '\r' or '\n' or -1))
        {
            Append(c);
            c = Next();
        }
        return c;
    }

    private void Append(int c)
    {
        if (_fieldLength == _field.Length)
            Array.Resize(ref _field, _field.Length * 2);
        _field[_fieldLength++] = (byte)c;
    }

    private string TakeField()
    {
        try
        {
            return TextFiles.StrictUtf8.GetString(_field, 0, _fieldLength);
        }
        catch (DecoderFallbackException e)
        {
            throw new DataException(file, $"line {_line}", "invalid UTF-8", e);
        }
        finally
        {
            _fieldLength = 0;
        }
    }

    private void SkipLf(int c)
    {
        if (c == '\r' && Peek() == '\n')
            Next();
    }

    /// <summary>The next byte, or -1 at the end; keeps <see cref="_line"/> at that byte's line.</summary>
    private int Next()
    {
        if (_pos == _len && !Fill())
            return -1;
        var b = _buffer[_pos++];
        if (_newlineBefore)
            _line++;
        _newlineBefore = b == '\n' || (b == '\r' && Peek() != '\n');
        return b;
    }

    private int Peek() => _pos < _len || Fill() ? _buffer[_pos] : -1;

    /// <summary>Reads the next block; drops a UTF-8 byte order mark at the start of the stream.</summary>
    private bool Fill()
    {
        _len = stream.Read(_buffer, 0, _buffer.Length);
        _pos = 0;
        if (!_started)
        {
            _started = true;
            while (_len < 3 && _len > 0 && stream.Read(_buffer, _len, 3 - _len) is var n and > 0)
                _len += n;
            if (_len >= 3 && _buffer[0] == 0xEF && _buffer[1] == 0xBB && _buffer[2] == 0xBF)
                _pos = 3;
        }
        return _pos < _len;
    }
}
