using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class GgufTokenizerTests
{
    private static readonly HfTokenizer Stories = HfTokenizer.Load(TestPaths.Reference("models", "stories260K.gguf"));

    [Fact]
    public void Stories260K_vocab_encodes_once_upon_a_time_with_bos()
    {
        // ../shared/reference/models/README.md: <s> ▁Once ▁upon ▁a ▁time.
        Assert.Equal([1, 403, 407, 261, 378], Stories.Encode("Once upon a time", addBos: true));
        Assert.Equal(["<s>", "▁Once", "▁upon", "▁a", "▁time"], new[] { 1, 403, 407, 261, 378 }.Select(id => Stories.IdToToken(id)));
    }

    [Fact]
    public void Stories260K_vocab_metadata()
    {
        Assert.Equal(512, Stories.VocabSize);
        Assert.Equal(1, Stories.BosId);
        Assert.Equal([2], Stories.EosIds);
        Assert.Null(Stories.PadId);
        Assert.Null(Stories.ChatTemplate);
    }

    [Fact]
    public void Stories260K_falls_back_to_bytes_and_decodes_back()
    {
        // "🦙" has no token in this 512-piece vocab: its UTF-8 bytes F0 9F A6 99 become the BYTE tokens, id = 3 + byte.
        var ids = Stories.Encode("🦙");
        Assert.Equal([3 + 0xF0, 3 + 0x9F, 3 + 0xA6, 3 + 0x99], ids.Skip(ids.Count - 4));
        foreach (var text in new[] { "Once upon a time, there was a little girl named Lily.", "café 🦙 x" })
            Assert.Equal(text, Stories.Decode(Stories.Encode(text)));
    }
}
