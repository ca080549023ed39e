namespace Finetune.Pipeline.Data;

/// <summary>
/// Splits a UTF-8 stream into lines as raw bytes (LF or CRLF; a leading BOM dropped), reusing one buffer
/// that grows only to the longest line. Decoding is left to the caller so an invalid byte is reported on
/// its own line.
/// </summary>
internal sealed class Utf8LineReader(Stream stream)
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start, _end;
    private bool _eof, _first = true;

    /// <summary>The next line without its line break, valid until the next call; null at the end.</summary>
    public ReadOnlyMemory<byte>? ReadLine()
    {
        var searchFrom = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', searchFrom, _end - searchFrom);
            if (newline >= 0)
            {
                var line = Take(newline);
                _start = newline + 1;
                return line;
            }
            if (_eof)
            {
                if (_start == _end)
                    return null;
                var last = Take(_end);
                _start = _end;
                return last;
            }
            searchFrom = _end - _start;
            Fill();
            searchFrom = Math.Min(searchFrom, _end);
        }
    }

    private ReadOnlyMemory<byte> Take(int stop)
    {
        var from = _start;
        if (_first)
        {
            _first = false;
            if (stop - from >= 3 && _buffer[from] == 0xEF && _buffer[from + 1] == 0xBB && _buffer[from + 2] == 0xBF)
                from += 3;
        }
        var length = stop - from;
        if (length > 0 && _buffer[stop - 1] == '\r')
            length--;
        return new ReadOnlyMemory<byte>(_buffer, from, length);
    }

    /// <summary>Moves the unread tail to the front (growing the buffer when a line fills it) and reads more.</summary>
    private void Fill()
    {
        var pending = _end - _start;
        if (pending == _buffer.Length)
            Array.Resize(ref _buffer, _buffer.Length * 2);
        Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
        _start = 0;
        _end = pending;
        var n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
            _eof = true;
        _end += n;
    }
}
