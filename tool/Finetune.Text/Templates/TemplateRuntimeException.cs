namespace Finetune.Text.Templates;

/// <summary>Rendering failed: an unsupported operation, calling an undefined value, a bad filter argument...</summary>
public sealed class TemplateRuntimeException(string message, string templateName, int line, int column)
    : TemplateException(message, templateName, line, column);
