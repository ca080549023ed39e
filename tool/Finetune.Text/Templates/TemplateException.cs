namespace Finetune.Text.Templates;

/// <summary>
/// A chat-template error with its place in the template. <see cref="Exception.Message"/> reads
/// <c>name:line:column: what went wrong</c>, one line, ready for the CLI.
/// </summary>
public class TemplateException : Exception
{
    public TemplateException(string message, string templateName, int line, int column)
        : base($"{templateName}:{line}:{column}: {message}")
    {
        TemplateName = templateName;
        Line = line;
        Column = column;
        Reason = message;
    }

    /// <summary>The template's name (its file name, or "template" when none was given).</summary>
    public string TemplateName { get; }

    /// <summary>1-based line in the template source.</summary>
    public int Line { get; }

    /// <summary>1-based column in the template source.</summary>
    public int Column { get; }

    /// <summary>The message without the location prefix.</summary>
    public string Reason { get; }
}
