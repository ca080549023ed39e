using System.Text;
using Finetune.Text.Tokenizers.Unicode;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>Examples from UAX #15 (Unicode Normalization Forms, figures 3 to 6) and ../shared/reference/qwen3/README.md.</summary>
public sealed class UnicodeNormalizerTests
{
    [Theory]
    [InlineData("e\u0301", "\u00e9", "e\u0301")]                     // qwen3 README
    [InlineData("\u2126", "\u03a9", "\u03a9")]                       // qwen3 README: OHM SIGN
    [InlineData("\u212b", "\u00c5", "A\u030a")]                      // ANGSTROM SIGN
    [InlineData("\u1e0a\u0323", "\u1e0c\u0307", "D\u0323\u0307")]     // canonical reordering then composition
    [InlineData("D\u0307\u0323", "\u1e0c\u0307", "D\u0323\u0307")]
    [InlineData("\u1e69", "\u1e69", "s\u0323\u0307")]
    [InlineData("\ud55c", "\ud55c", "\u1112\u1161\u11ab")]           // Hangul, algorithmic
    [InlineData("\u1112\u1161\u11ab", "\ud55c", "\u1112\u1161\u11ab")]
    [InlineData("plain ascii", "plain ascii", "plain ascii")]
    [InlineData("\ud835\udc00", "\ud835\udc00", "\ud835\udc00")]     // supplementary letter: no canonical mapping
    public void Canonical_forms(string text, string nfc, string nfd)
    {
        Assert.Equal(nfc, UnicodeNormalizer.Normalize(text, NormalizationForm.FormC));
        Assert.Equal(nfd, UnicodeNormalizer.Normalize(text, NormalizationForm.FormD));
    }

    [Theory]
    [InlineData("\ufb01", "fi", "fi")]                                // ﬁ ligature
    [InlineData("\u2460", "1", "1")]                                  // ① circled digit
    [InlineData("\u1e9b\u0323", "\u1e69", "s\u0323\u0307")]           // UAX #15 figure 6: ẛ̣
    [InlineData("\u00a0x", " x", " x")]                               // NO-BREAK SPACE
    [InlineData("\ud835\udc00", "A", "A")]                            // MATHEMATICAL BOLD CAPITAL A
    public void Compatibility_forms(string text, string nfkc, string nfkd)
    {
        Assert.Equal(nfkc, UnicodeNormalizer.Normalize(text, NormalizationForm.FormKC));
        Assert.Equal(nfkd, UnicodeNormalizer.Normalize(text, NormalizationForm.FormKD));
    }
}
