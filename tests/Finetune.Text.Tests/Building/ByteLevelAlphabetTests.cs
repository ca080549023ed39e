using ByteLevelAlphabet = Finetune.Text.Tokenizers.ByteLevelAlphabet;
using Finetune.Text.Building;

namespace Finetune.Text.Tests.Building;

public sealed class ByteLevelAlphabetTests
{
    [Theory]
    // Printable bytes stand for themselves.
    [InlineData(0x61, 'a')]
    [InlineData(0x21, '!')]
    [InlineData(0x7E, '~')]
    [InlineData(0xA1, '¡')]
    [InlineData(0xFF, 'ÿ')]
    // The 68 others in byte order from U+0100: 0x00..0x20 are n = 0..32, 0x7F is 33, 0x80..0xA0 are 34..66, 0xAD is 67.
    [InlineData(0x00, '\u0100')]
    [InlineData(0x0A, 'Ċ')]
    [InlineData(0x20, 'Ġ')]
    [InlineData(0x7F, '\u0121')]
    [InlineData(0x80, '\u0122')]
    [InlineData(0xA0, '\u0142')]
    [InlineData(0xAD, '\u0143')]
    public void Maps_bytes_like_GPT2_bytes_to_unicode(int value, char expected) =>
        Assert.Equal(expected, ByteLevelAlphabet.ToChar((byte)value));

    [Fact]
    public void Every_byte_symbol_is_a_token_of_the_Llama3_vocabulary_and_round_trips()
    {
        var llama = Llama3Reference.Model.Vocab.ToHashSet();
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        var symbols = ByteLevelAlphabet.Encode(all);
        Assert.Equal(256, symbols.Distinct().Count());
        Assert.All(symbols, c => Assert.Contains(c.ToString(), llama));
        Assert.Equal(all, ByteLevelAlphabet.Decode(symbols));
    }

    [Fact]
    public void Encodes_text_as_its_utf8_bytes() =>
        Assert.Equal("ĠcafÃ©Ċ", ByteLevelAlphabet.EncodeText(" café\n"));

    [Fact]
    public void Decode_refuses_a_character_outside_the_table() =>
        Assert.Throws<ArgumentException>(() => ByteLevelAlphabet.Decode(" "));
}
