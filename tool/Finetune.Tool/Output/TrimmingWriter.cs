using System.Text;

namespace Finetune.Tool.Output;

/// <summary>
/// Passes text through but drops spaces at the end of each line: Spectre pads help columns to their width,
/// which in piped output only leaves trailing blanks for diffs and greps to trip over.
/// </summary>
internal sealed class TrimmingWriter(TextWriter inner) : TextWriter
{
    private int _pendingSpaces;

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value)
    {
        if (value == ' ')
        {
            _pendingSpaces++;
            return;
        }
        if (value is not ('\n' or '\r'))
            inner.Write(new string(' ', _pendingSpaces));
        _pendingSpaces = 0;
        inner.Write(value);
    }

    public override void Write(string? value)
    {
        foreach (var c in value ?? "")
            Write(c);
    }

    public override void Flush() => inner.Flush();
}
