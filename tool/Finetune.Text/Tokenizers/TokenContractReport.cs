namespace Finetune.Text.Tokenizers;

/// <summary>
/// The token contract check for the tokenize stage report (serializable with System.Text.Json).
/// <see cref="Passed"/> covers the single-id checks; round trips are reported apart, since the SentencePiece
/// legacy family (Llama 2) decodes "a&lt;think&gt;b" as "a&lt;think&gt; b" in Hugging Face too.
/// </summary>
public sealed record TokenContractReport(
    IReadOnlyList<TokenContractEntry> Tokens,
    string? SeedFrom,
    int? SeedId,
    bool RoundTrips)
{
    public bool Passed => Tokens.All(t => t.Passed);
}
