namespace Finetune.Text.Tokenizers;

/// <summary>The subset of tokenizer.json normalizers Llama-family files use: Prepend and string Replace, in sequence.</summary>
internal sealed class TextNormalizer
{
    private readonly IReadOnlyList<(string? Prepend, string? From, string? To)> _steps;

    public TextNormalizer(IReadOnlyList<(string? Prepend, string? From, string? To)> steps) => _steps = steps;

    public static TextNormalizer None { get; } = new([]);

    public bool IsIdentity => _steps.Count == 0;

    public string Normalize(string text)
    {
        foreach (var (prepend, from, to) in _steps)
        {
            if (prepend != null)
                text = text.Length == 0 ? text : prepend + text;
            else
                text = text.Replace(from!, to, StringComparison.Ordinal);
        }
        return text;
    }
}
