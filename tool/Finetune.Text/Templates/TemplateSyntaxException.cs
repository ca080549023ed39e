namespace Finetune.Text.Templates;

/// <summary>The template source does not parse (unexpected token, unclosed tag, unknown statement...).</summary>
public sealed class TemplateSyntaxException(string message, string templateName, int line, int column)
    : TemplateException(message, templateName, line, column);
