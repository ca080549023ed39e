using System.Text.Json;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>
/// The pre-tokenizer steps against the expected splits in the Rust <c>tokenizers</c> library's own unit tests
/// (huggingface/tokenizers, tokenizers/src/pre_tokenizers/{split,metaspace,digits,punctuation,whitespace}.rs).
/// </summary>
public sealed class PreTokenizerTests
{
    private static string[] Split(string preTokenizerJson, string text)
    {
        using var doc = JsonDocument.Parse(preTokenizerJson);
        var pre = TokenizerJsonLoader.ReadPreTokenizer(doc.RootElement, "test.json", out _);
        return [.. pre.Split(text, atStart: true).Select(p => p.Text)];
    }

    private const string WordRegex = """{"Regex": "\\w+|[^\\w\\s]+"}""";

    [Theory]
    [InlineData("Removed", new[] { "How", "are", "you", "doing", "?" })]
    [InlineData("Isolated", new[] { "How", " ", "are", " ", "you", " ", "doing", "?" })]
    [InlineData("MergedWithPrevious", new[] { "How ", "are ", "you ", "doing", "?" })]
    [InlineData("MergedWithNext", new[] { "How", " are", " you", " doing", "?" })]
    [InlineData("Contiguous", new[] { "How", " ", "are", " ", "you", " ", "doing?" })]
    public void Split_behaviours_match_split_rs_basic(string behavior, string[] expected) =>
        Assert.Equal(expected, Split($$"""{"type": "Split", "pattern": {{WordRegex}}, "behavior": "{{behavior}}", "invert": true}""", "How are you doing?"));

    [Fact]
    public void Split_on_a_string_with_invert_equals_split_on_the_gaps() =>
        Assert.Equal(
            Split("""{"type": "Split", "pattern": {"String": " "}, "behavior": "Removed", "invert": false}""", "Hello Hello Hello"),
            Split("""{"type": "Split", "pattern": {"String": "Hello"}, "behavior": "Removed", "invert": true}""", "Hello Hello Hello"));

    [Fact]
    public void Metaspace_always_splits_before_each_replacement() =>
        Assert.Equal(["▁Hey", "▁", "▁", "▁friend!"],
            Split("""{"type": "Metaspace", "replacement": "▁", "prepend_scheme": "always", "split": true}""", "Hey   friend!"));

    [Theory]
    [InlineData("Hey my friend <s>how▁are you", new[] { "▁Hey▁my▁friend▁", "<s>", "how▁are▁you" })]
    [InlineData(" Hey <s>how", new[] { "▁Hey▁", "<s>", "how" })]
    public void Metaspace_first_prepends_only_at_the_start_of_the_input(string text, string[] expected) =>
        Assert.Equal(expected, Split("""
            {"type": "Sequence", "pretokenizers": [
              {"type": "Split", "pattern": {"Regex": "(<s>)"}, "behavior": "Isolated", "invert": false},
              {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false}]}
            """, text));

    [Theory]
    [InlineData(false, new[] { "Hey ", "123", " friend!" })]
    [InlineData(true, new[] { "Hey ", "1", "2", "3", " friend!" })]
    public void Digits_contiguous_or_individual(bool individual, string[] expected) =>
        Assert.Equal(expected, Split($$"""{"type": "Digits", "individual_digits": {{(individual ? "true" : "false")}}}""", "Hey 123 friend!"));

    [Fact]
    public void Punctuation_isolates_each_mark() =>
        Assert.Equal(["Hey friend", "!", "     How are you", "?", "!", "?"],
            Split("""{"type": "Punctuation", "behavior": "Isolated"}""", "Hey friend!     How are you?!?"));

    [Theory]
    [InlineData("""{"type": "WhitespaceSplit"}""", "Hey man!", new[] { "Hey", "man!" })]
    [InlineData("""{"type": "WhitespaceSplit"}""", "Hey, man, Good?", new[] { "Hey,", "man,", "Good?" })]
    [InlineData("""{"type": "Whitespace"}""", "Hey man!", new[] { "Hey", "man", "!" })]
    [InlineData("""{"type": "Whitespace"}""", "How are you doing?", new[] { "How", "are", "you", "doing", "?" })]
    public void Whitespace_splitters(string json, string text, string[] expected) => Assert.Equal(expected, Split(json, text));

    [Fact]
    public void ByteLevel_with_prefix_space_and_regex_splits_like_gpt2() =>
        // byte_level.rs pre_tokenization: "Hello my friend, how is your day going?" (pieces before the byte mapping)
        Assert.Equal([" Hello", " my", " friend", ",", " how", " is", " your", " day", " going", "?"],
            Split("""{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}""", "Hello my friend, how is your day going?"));

    [Fact]
    public void Split_regex_sees_supplementary_letters_as_letters()
    {
        // U+1D400 MATHEMATICAL BOLD CAPITAL A is \p{L} to the Rust engines; .NET alone sees two surrogates.
        Assert.Equal(["a𝐀b", " ", "1"], Split("""{"type": "Split", "pattern": {"Regex": "\\p{L}+|\\s|\\p{N}"}, "behavior": "Isolated", "invert": false}""", "a𝐀b 1"));
    }
}
