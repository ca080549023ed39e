using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class GgufByteLevelTests(GgufLlama3Fixture fixture) : IClassFixture<GgufLlama3Fixture>
{
    private readonly HfTokenizer _tok = fixture.Tokenizer;

    public static TheoryData<int, string, int[]> Samples => ReferenceSamples.Load("llama3", "encode_samples.jsonl");

    [Theory]
    [MemberData(nameof(Samples))]
    public void Gguf_gpt2_vocab_encodes_llama3_reference_samples(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        Assert.Equal(ids, _tok.Encode(text));
        Assert.Equal(text, _tok.Decode(ids));
    }

    [Fact]
    public void Gguf_gpt2_vocab_has_llama3_specials_and_bos()
    {
        Assert.Equal(128256, _tok.VocabSize);
        Assert.Equal(128000, _tok.BosId);
        Assert.Equal([128009], _tok.EosIds);
        Assert.Equal([128000, 14023, 771, 1500, 27963, 1822, 9399, 1500, 9399], _tok.Encode("<think></think><answer></answer", addBos: true));
        Assert.Equal([128000, 128256, 128257, 128258, 128259],
            _tok.WithAddedTokens(["<think>", "</think>", "<answer>", "</answer>"], special: false).Encode("<think></think><answer></answer>", addBos: true));
    }
}
