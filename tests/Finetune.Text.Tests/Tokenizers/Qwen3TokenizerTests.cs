using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class Qwen3TokenizerTests(Qwen3Fixture fixture) : IClassFixture<Qwen3Fixture>
{
    private readonly HfTokenizer _tok = fixture.Tokenizer;

    public static TheoryData<int, string, int[]> Samples => ReferenceSamples.Load("qwen3", "encode_samples.jsonl");
    public static TheoryData<int, string, int[]> LlamaCppVectors => ReferenceSamples.Load("qwen3", "llamacpp_qwen2_vectors.jsonl");

    [Theory]
    [MemberData(nameof(Samples))]
    public void Encodes_reference_samples_like_hf(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        Assert.Equal(ids, _tok.Encode(text));
        Assert.Equal(ids, _tok.Encode(text, addBos: true));
        // README: every text decodes back to itself (its NFC form).
        Assert.Equal(text.Normalize(System.Text.NormalizationForm.FormC), _tok.Decode(ids));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Encodes_reference_samples_unchanged_after_adding_answer_tokens(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        var extended = _tok.WithAddedTokens(["<answer>", "</answer>"], special: false);
        Assert.Equal(ids, extended.Encode(text));
        Assert.Equal([151669, .. ids, 151670], extended.Encode("<answer>" + text + "</answer>"));
    }

    [Fact]
    public void Ids_and_special_tokens_come_from_the_files()
    {
        // Values: ../shared/reference/qwen3/README.md.
        Assert.Equal(151669, _tok.VocabSize);
        Assert.Equal(26, _tok.AddedTokens.Count);
        Assert.Null(_tok.BosToken);
        Assert.Null(_tok.BosId);
        Assert.Equal("<|im_end|>", _tok.EosToken);
        Assert.Equal([151645], _tok.EosIds);
        Assert.Equal(151643, _tok.PadId);
        Assert.Equal(151644, _tok.TokenToId("<|im_start|>"));
        Assert.Equal(151667, _tok.TokenToId("<think>"));
        Assert.False(_tok.AddedTokens.Single(t => t.Content == "<think>").Special);
        Assert.True(_tok.AddedTokens.Single(t => t.Content == "<|im_end|>").Special);
    }

    [Fact]
    public void Readme_rules_for_digits_nfc_and_answer_text()
    {
        // ../shared/reference/qwen3/README.md: \p{N} one digit at a time; NFC first; <answer> is not a token.
        Assert.Equal(5, _tok.Encode("12345").Count);
        Assert.Equal(_tok.Encode("caf\u00e9"), _tok.Encode("cafe\u0301"));
        Assert.Equal(_tok.Encode("\u03a9"), _tok.Encode("\u2126"));
        Assert.Equal(3, _tok.Encode("<answer>").Count);
        Assert.Equal([151667, .. _tok.Encode("<answer>"), 151668], _tok.Encode("<think><answer></think>"));
    }

    [Fact]
    public void Think_tokens_already_exist_and_are_reported_not_added()
    {
        var extended = _tok.WithAddedTokens(["<think>", "</think>", "<answer>"], special: false, out var warnings);
        Assert.Equal(151670, extended.VocabSize);
        Assert.Equal(["token \"<think>\" already exists (id 151667); not added again", "token \"</think>\" already exists (id 151668); not added again"], warnings);
    }

    [Fact]
    public void Decode_skips_only_special_added_tokens_on_request()
    {
        var ids = _tok.Encode("<|im_start|>assistant\n<think>\n\n</think>\n\nHi<|im_end|>");
        Assert.Equal("assistant\n<think>\n\n</think>\n\nHi", _tok.Decode(ids, skipSpecialTokens: true));
    }

    [Theory]
    [MemberData(nameof(LlamaCppVectors))]
    public void Encodes_llamacpp_vectors_like_hf_and_decodes_back(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        Assert.Equal(ids, _tok.Encode(text));
        Assert.Equal(text, _tok.Decode(ids));
    }
}
