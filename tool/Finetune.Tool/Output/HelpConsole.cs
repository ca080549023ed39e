using Spectre.Console;

namespace Finetune.Tool.Output;

/// <summary>
/// The console Spectre writes help, version and parse errors to. On a terminal it wraps at the window's
/// width; when stdout is redirected (piped into a file, <c>less</c> or a test) there is no window, and
/// Spectre's 80-column fallback would break examples and option descriptions mid-argument, so the width is
/// made wide enough that no line is re-wrapped (and the padding Spectre adds at line ends is dropped).
/// </summary>
public static class HelpConsole
{
    /// <summary>Wider than any help line.</summary>
    public const int RedirectedWidth = 1024;

    public static IAnsiConsole Create(TextWriter output, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(redirected ? new TrimmingWriter(output) : output),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
            console.Profile.Width = RedirectedWidth;
        return console;
    }
}
