namespace Finetune.Text.Templates;

/// <summary>
/// The rendered text, and the span of every <c>{% generation %}...{% endgeneration %}</c> block rendered at
/// top level (in order), as (Start, Length) in UTF-16 chars of <see cref="Text"/>: the map stage turns
/// these into assistant loss masks.
/// </summary>
public sealed record TemplateRenderResult(string Text, IReadOnlyList<(int Start, int Length)> GenerationSpans);
