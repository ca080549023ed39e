using System.Text.RegularExpressions;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class PreTokenSplitterTests(Llama3Fixture fixture) : IClassFixture<Llama3Fixture>
{
    private static readonly string[] BmpTexts =
    [
        "Hello world, it's   a test.\n\n  Line two\r\n\tTabbed",
        "I'LL SAY IT'S 12345 and 3.14159!!! <div class=\"x\">\u00a0\u2009\u3000</div>",
        "  leading and trailing   ",
        "don't won't they'Re we'VE I'm you'd",
        "中文 日本語、한국어 Привет мир مرحبا नमस्ते Ελληνικά",
        "e\u0301 ﬁ Ⅻ ① ¼ ½ ǅ \u000b\u000c\u0085 \u2028 \u2029",
        "def f(x):\n    return {\"a\": [1, 2, 3]}  # comment\n\n\n",
        "?!?!\n\n\n   \n x",
        " 'quoted' ''double'' '",
    ];

    [Theory]
    [InlineData(ByteLevelBpeModel.Llama3Pattern)]
    [InlineData(ByteLevelBpeModel.Gpt2Pattern)]
    [InlineData(ByteLevelBpeModel.Qwen2Pattern)]
    public void Splits_bmp_text_exactly_like_the_regex(string pattern)
    {
        var splitter = PreTokenSplitter.For(pattern)!;
        var regex = new Regex(pattern, RegexOptions.CultureInvariant);
        foreach (var text in BmpTexts)
        {
            var expected = regex.Matches(text).Select(m => m.Value).ToList();
            var actual = new List<string>();
            for (var i = 0; i < text.Length;)
            {
                var n = splitter.Next(text, i);
                actual.Add(text.Substring(i, n));
                i += n;
            }
            Assert.Equal(expected, actual);
        }
    }

    [Theory]
    [InlineData(ByteLevelBpeModel.Llama3Pattern)]
    [InlineData(ByteLevelBpeModel.Gpt2Pattern)]
    [InlineData(ByteLevelBpeModel.Qwen2Pattern)]
    public void Code_point_regex_splits_supplementary_text_like_the_splitter(string pattern)
    {
        // The splitter is checked against HF ids below; the general regex path must agree with it.
        var splitter = PreTokenSplitter.For(pattern)!;
        var regex = new CodePointRegex(pattern, "test");
        foreach (var text in BmpTexts.Concat(["𝐀's 𝐀x 🦙🦙 12𝟘𝟙𝟚345", "\u1D25\uE26E<div>b\U000119A3<s>x", "a\U0001F600\U0001F600 \U0001F600b"]))
        {
            var found = new List<(int Start, int End)>();
            regex.Matches(text, found);
            var actual = new List<(int, int)>();
            for (var i = 0; i < text.Length;)
            {
                var n = splitter.Next(text, i);
                actual.Add((i, i + n));
                i += n;
            }
            Assert.Equal(actual, found);
        }
    }

    [Theory]
    // Expected ids: Hugging Face tokenizers 0.22 (npm @anush008/tokenizers 0.6.0, the generator of the reference
    // samples) on ../shared/reference/llama3/tokenizer.json. .NET Regex would split these differently: it sees
    // supplementary characters as two surrogates that are neither letters nor numbers.
    [InlineData("𝐀's", new[] { 57352, 238, 222, 596 })]
    [InlineData(" 𝐀x", new[] { 82350, 238, 222, 87 })]
    [InlineData("\u1D25\uE26E<div>b\U000119A3<s>https://x.y/z?q=1", new[] { 157, 112, 98, 170, 231, 106, 27, 614, 52507, 172, 239, 99, 96, 45147, 29, 2485, 1129, 87, 2441, 32182, 44882, 28, 16 })]
    [InlineData("\u00a0\u00a0x", new[] { 4194, 4194, 87 })]
    [InlineData("  \n  x", new[] { 2355, 220, 865 })]
    [InlineData("\t\tx", new[] { 197, 10436 })]
    public void Supplementary_characters_split_as_whole_code_points_like_hf(string text, int[] ids)
    {
        Assert.Equal(ids, fixture.Tokenizer.Encode(text));
        Assert.Equal(text, fixture.Tokenizer.Decode(ids));
    }
}
