namespace Finetune.Text.Building;

/// <summary>
/// Llama 3.2's special tokens in its id order: begin/end of text, reserved 0 and 1, the fine-tune pad, reserved 2,
/// the header pair, eom, eot, python tag, then <c>&lt;|reserved_special_token_N|&gt;</c> for the rest.
/// A tokenizer that takes the first <c>count</c> of them keeps Llama 3's offsets (pad = first + 4, eot = first + 9).
/// </summary>
public static class Llama3SpecialTokens
{
    public const string BeginOfText = "<|begin_of_text|>";
    public const string EndOfText = "<|end_of_text|>";
    public const string FinetuneRightPad = "<|finetune_right_pad_id|>";
    public const string StartHeader = "<|start_header_id|>";
    public const string EndHeader = "<|end_header_id|>";
    public const string EndOfMessage = "<|eom_id|>";
    public const string EndOfTurn = "<|eot_id|>";
    public const string PythonTag = "<|python_tag|>";

    /// <summary>How many named tokens (and reserved ones between them) lead the list.</summary>
    public const int NamedPrefixCount = 11;

    private static readonly string?[] Named =
    [
        BeginOfText, EndOfText, null, null, FinetuneRightPad, null,
        StartHeader, EndHeader, EndOfMessage, EndOfTurn, PythonTag,
    ];

    /// <summary>The first <paramref name="count"/> special tokens (at least <see cref="NamedPrefixCount"/>; Llama 3.2 has 256).</summary>
    public static IReadOnlyList<string> Create(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, NamedPrefixCount);
        var tokens = new List<string>(count);
        var reserved = 0;
        for (var i = 0; i < count; i++)
            tokens.Add(i < Named.Length && Named[i] is { } name ? name : $"<|reserved_special_token_{reserved++}|>");
        return tokens;
    }
}
