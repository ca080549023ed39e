namespace Finetune.Text.Templates;

/// <summary>The template called <c>raise_exception(msg)</c>; <see cref="TemplateException.Reason"/> is <c>msg</c>.</summary>
public sealed class TemplateRaisedException(string message, string templateName, int line, int column)
    : TemplateException(message, templateName, line, column);
