using Finetune.Testing;
using Finetune.Text.Tokenizers;
using Finetune.Tool.Output;

namespace Finetune.Tool.Tests;

/// <summary>Streaming decode of generated ids: multi-byte characters come out whole, spaces are kept.</summary>
public sealed class IncrementalDecoderTests
{
    private static (List<string> Chunks, string Text) Stream(HfTokenizer tokenizer, IReadOnlyList<int> ids, int promptLength)
    {
        var decoder = new IncrementalDecoder(tokenizer, ids.Take(promptLength).ToList());
        var chunks = ids.Skip(promptLength).Select(decoder.Add).ToList();
        chunks.Add(decoder.Flush());
        return (chunks, decoder.Text);
    }

    [Fact]
    public void SentencePiece_byte_fallback_characters_are_held_back_until_complete()
    {
        var tokenizer = HfTokenizer.Load(TestPaths.Reference("models", "stories260K.gguf"));
        var ids = tokenizer.Encode("Once upon a time, 你好 café!", addBos: true);
        Assert.Equal([1, 403, 407, 261, 378], ids.Take(5)); // models/README.md: BOS + "Once upon a time"
        var (chunks, text) = Stream(tokenizer, ids, 5);
        Assert.Equal(", 你好 café!", string.Concat(chunks)); // the input minus the prompt, by hand
        Assert.Equal(", 你好 café!", text);
        Assert.DoesNotContain(chunks, c => c.Contains('\uFFFD'));
        Assert.True(chunks.Count(c => c.Length == 0) >= 4, "你 and 好 are three byte tokens each: two ids of each print nothing");
    }

    [Fact]
    public void Byte_level_bpe_emoji_split_over_tokens_comes_out_whole()
    {
        var tokenizer = HfTokenizer.Load(TestPaths.Reference("llama3"));
        var ids = tokenizer.Encode("Hello 🦙 and 你好", addBos: true);
        var (chunks, _) = Stream(tokenizer, ids, 2); // <|begin_of_text|> "Hello"
        Assert.Equal(" 🦙 and 你好", string.Concat(chunks));
        Assert.DoesNotContain(chunks, c => c.Contains('\uFFFD'));
    }

    [Fact]
    public void First_generated_word_keeps_its_space_after_a_sentencepiece_prompt()
    {
        var tokenizer = HfTokenizer.Load(TestPaths.Reference("models", "stories260K.gguf"));
        var ids = tokenizer.Encode("Once upon a time there", addBos: true);
        var (chunks, _) = Stream(tokenizer, ids, 5);
        Assert.Equal(" there", string.Concat(chunks)); // decoding "▁there" alone would give "there"
    }
}
