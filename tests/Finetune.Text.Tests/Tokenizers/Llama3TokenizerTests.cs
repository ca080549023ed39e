using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class Llama3TokenizerTests(Llama3Fixture fixture) : IClassFixture<Llama3Fixture>
{
    private readonly HfTokenizer _tok = fixture.Tokenizer;

    public static TheoryData<int, string, int[]> Samples => ReferenceSamples.Load("llama3", "encode_samples.jsonl");
    public static TheoryData<int, string, int[]> LlamaCppVectors => ReferenceSamples.Load("llama3", "llamacpp_llama_bpe_vectors.jsonl");

    [Theory]
    [MemberData(nameof(Samples))]
    public void Encodes_reference_samples_like_hf_and_decodes_back(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        Assert.Equal(ids, _tok.Encode(text));
        Assert.Equal(text, _tok.Decode(ids));
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
    public void Think_answer_text_with_bos_matches_the_original_workflow()
    {
        // ../shared/reference/llama3/README.md "Checks that passed" and issue 3.
        Assert.Equal([128000, 14023, 771, 1500, 27963, 1822, 9399, 1500, 9399], _tok.Encode("<think></think><answer></answer", addBos: true));
    }

    [Fact]
    public void Four_added_tokens_give_four_new_ids_after_bos()
    {
        var extended = _tok.WithAddedTokens(["<think>", "</think>", "<answer>", "</answer>"], special: false);
        Assert.Equal([128000, 128256, 128257, 128258, 128259], extended.Encode("<think></think><answer></answer>", addBos: true));
        Assert.Equal(128260, extended.VocabSize);
        Assert.Equal("<think>hi</think>", extended.Decode(extended.Encode("<think>hi</think>")));
    }

    [Fact]
    public void Ids_and_special_tokens_come_from_the_files()
    {
        // Values: ../shared/reference/llama3/README.md, tokenizer_config.json and generation_config.json.
        Assert.Equal(128256, _tok.VocabSize);
        Assert.Equal(128000, _tok.BosId);
        Assert.Equal("<|begin_of_text|>", _tok.BosToken);
        Assert.Equal("<|eot_id|>", _tok.EosToken);
        Assert.Equal([128001, 128008, 128009], _tok.EosIds);
        Assert.Null(_tok.PadId);
        Assert.Equal(128004, _tok.TokenToId("<|finetune_right_pad_id|>"));
        Assert.Equal("<|start_header_id|>", _tok.IdToToken(128006));
        Assert.Equal(256, _tok.AddedTokens.Count);
        Assert.StartsWith("{{- bos_token }}", _tok.ChatTemplate);
    }

    [Fact]
    public void Decode_skips_special_tokens_on_request()
    {
        var ids = _tok.Encode("<|start_header_id|>user<|end_header_id|>", addBos: true);
        Assert.Equal([128000, 128006, 882, 128007], ids);
        Assert.Equal("<|begin_of_text|><|start_header_id|>user<|end_header_id|>", _tok.Decode(ids));
        Assert.Equal("user", _tok.Decode(ids, skipSpecialTokens: true));
    }
}
