namespace Finetune.Text.Templates;

/// <summary>A sandbox limit was hit: loop iterations, macro recursion depth or output size.</summary>
public sealed class TemplateLimitException(string message, string templateName, int line, int column)
    : TemplateException(message, templateName, line, column);
