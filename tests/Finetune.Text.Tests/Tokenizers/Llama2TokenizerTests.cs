using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class Llama2TokenizerTests(Llama2Fixture fixture) : IClassFixture<Llama2Fixture>
{
    private static readonly string[] ThinkAnswer = ["<think>", "</think>", "<answer>", "</answer>"];
    private readonly HfTokenizer _tok = fixture.Tokenizer;

    public static TheoryData<int, string, int[]> Samples => ReferenceSamples.Load("llama2", "encode_samples.jsonl");
    public static TheoryData<int, string, int[]> LlamaCppVectors => ReferenceSamples.Load("llama2", "llamacpp_llama_spm_vectors.jsonl");

    [Theory]
    [MemberData(nameof(Samples))]
    public void Encodes_reference_samples_like_hf(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        Assert.Equal(ids, _tok.Encode(text));
        Assert.Equal([1, .. ids], _tok.Encode(text, addBos: true));
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Decodes_reference_samples_back_except_the_two_readme_exceptions(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        // ../shared/reference/llama2/README.md "decode(ids) == text": two documented exceptions.
        var expected = text switch
        {
            "a▁b ▁▁c" => "a b   c",
            "Hello <s> world </s> end" => "Hello<s> world</s> end",
            _ => text,
        };
        Assert.Equal(expected, _tok.Decode(ids));
    }

    [Theory]
    [MemberData(nameof(LlamaCppVectors))]
    public void Encodes_llamacpp_vectors_like_hf_and_decodes_back(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        Assert.Equal(ids, _tok.Encode(text));
        Assert.Equal(text, _tok.Decode(ids));
    }

    [Fact]
    public void Readme_rules_for_spaces_bytes_and_special_text()
    {
        // ../shared/reference/llama2/README.md "Behaviour a port must copy".
        Assert.Equal([15043], _tok.Encode("Hello"));
        Assert.Equal([29871, 15043], _tok.Encode(" Hello"));
        Assert.Equal([259], _tok.Encode(" "));
        Assert.Equal([418], _tok.Encode("    "));
        Assert.Empty(_tok.Encode(""));
        Assert.Equal([29871, 13], _tok.Encode("\n"));
        Assert.Equal([29871, 243, 162, 169, 156], _tok.Encode("🦙"));
        Assert.Equal([15043, 1, 3186, 2, 1095], _tok.Encode("Hello <s> world </s> end"));
        Assert.Equal([1, 10994, 829, 29879, 29958], _tok.Encode("<s>Hello</s>"));
        Assert.Equal([263, 29966, 29879, 29958], _tok.Encode("a<s>"));
        Assert.Equal([1, 29966, 29879, 29958], _tok.Encode("<s><s>"));
        Assert.Equal([15043, 3186], _tok.Encode("Hello world"));
    }

    [Fact]
    public void Bos_decodes_with_the_space_strip_cannot_remove()
    {
        Assert.Equal("<s> Once upon a time", _tok.Decode(_tok.Encode("Once upon a time", addBos: true)));
        Assert.Equal(1, _tok.BosId);
        Assert.Equal([2], _tok.EosIds);
        Assert.Equal(32000, _tok.VocabSize);
        Assert.Null(_tok.ChatTemplate);
    }

    [Theory]
    // ../shared/reference/llama2/README.md "Worked examples", column "before adding".
    [InlineData("Once upon a time", new[] { 1, 9038, 2501, 263, 931 })]
    [InlineData("<think></think><answer></answer>", new[] { 1, 529, 386, 682, 2565, 386, 682, 5299, 12011, 2565, 12011, 29958 })]
    [InlineData("<think>hi</think> <answer>42</answer>", new[] { 1, 529, 386, 682, 29958, 2918, 829, 386, 682, 29958, 529, 12011, 29958, 29946, 29906, 829, 12011, 29958 })]
    public void Worked_examples_before_adding(string text, int[] ids) => Assert.Equal(ids, _tok.Encode(text, addBos: true));

    [Theory]
    // Column "added as AddedToken(normalized=false) or as special tokens": what WithAddedTokens does for this family.
    [InlineData("Once upon a time", new[] { 1, 9038, 2501, 263, 931 })]
    [InlineData("<think></think><answer></answer>", new[] { 1, 32000, 32001, 32002, 32003 })]
    [InlineData("<think>hi</think> <answer>42</answer>", new[] { 1, 32000, 7251, 32001, 259, 32002, 29871, 29946, 29906, 32003 })]
    public void Worked_examples_after_adding_unnormalized(string text, int[] ids)
    {
        Assert.Equal(ids, _tok.WithAddedTokens(ThinkAnswer, special: false).Encode(text, addBos: true));
        Assert.Equal(ids, _tok.WithAddedTokens(ThinkAnswer, special: true).Encode(text, addBos: true));
    }

    [Fact]
    public void Added_tokens_are_written_unnormalized_and_ids_follow_the_vocab()
    {
        var extended = _tok.WithAddedTokens(ThinkAnswer, special: false);
        Assert.Equal(32004, extended.VocabSize);
        Assert.Equal([32000, 32001, 32002, 32003], ThinkAnswer.Select(t => extended.TokenToId(t)!.Value));
        Assert.All(extended.AddedTokens.Skip(3), t => Assert.False(t.Normalized));
        // README: decoding the per-segment prepended text gives the extra spaces, not the input.
        Assert.Equal("<s><think> hi</think>  <answer> 42</answer>", extended.Decode([1, 32000, 7251, 32001, 259, 32002, 29871, 29946, 29906, 32003]));
    }

    [Fact]
    public void Normalized_added_tokens_match_only_after_a_space_like_hf_add_tokens()
    {
        // README column "after addTokens([...])" (HF default normalized=true), reproduced by writing that file.
        var folder = Finetune.Testing.TestPaths.NewTempDir();
        var json = File.ReadAllText(Finetune.Testing.TestPaths.Reference("llama2", "tokenizer.json"));
        var entries = string.Join("", ThinkAnswer.Select((t, i) =>
            $",{{\"id\":{32000 + i},\"content\":\"{t}\",\"single_word\":false,\"lstrip\":false,\"rstrip\":false,\"normalized\":true,\"special\":false}}"));
        var at = json.IndexOf("\"normalized\": true,\n      \"special\": true\n    }\n  ]", StringComparison.Ordinal);
        var close = json.IndexOf('}', at) + 1;
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json[..close] + entries + json[close..]);
        var normalized = HfTokenizer.FromFolder(folder);
        Assert.Equal([1, 32000, 829, 386, 682, 5299, 12011, 2565, 12011, 29958], normalized.Encode("<think></think><answer></answer>", addBos: true));
        Assert.Equal([1, 32000, 2918, 829, 386, 682, 29958, 32002, 29946, 29906, 829, 12011, 29958], normalized.Encode("<think>hi</think> <answer>42</answer>", addBos: true));
    }
}
