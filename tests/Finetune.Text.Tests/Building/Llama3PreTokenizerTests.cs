using Finetune.Text.Building;

namespace Finetune.Text.Tests.Building;

public sealed class Llama3PreTokenizerTests
{
    [Fact]
    public void Pattern_is_the_one_in_Llama3_tokenizer_json()
    {
        var split = Llama3Reference.TokenizerJson.GetProperty("pre_tokenizer").GetProperty("pretokenizers")[0];
        Assert.Equal(Llama3PreTokenizer.Pattern, split.GetProperty("pattern").GetProperty("Regex").GetString());
    }

    [Fact]
    public void Splits_contractions_numbers_and_whitespace_like_Llama3()
    {
        // Worked by hand from the pattern: contractions alone, digits in threes, a space joins the next word,
        // whitespace before a newline run stays with it, trailing spaces alone.
        Assert.Equal(["We", "'ve", " got", " ", "123", "45", " cats", "!\n\n", "  ", " ok"],
            Llama3PreTokenizer.Split("We've got 12345 cats!\n\n   ok"));
    }

    [Fact]
    public void Pieces_with_the_reference_encoder_reproduce_every_Llama3_sample()
    {
        // Checks the regex, the byte table and the test encoder together against ids Hugging Face produced
        // (encode_samples.jsonl: Rust tokenizers; llamacpp vectors: AutoTokenizer).
        var encoder = Llama3Reference.Encoder();
        var samples = Llama3Reference.EncodeSamples().ToList();
        Assert.Equal(97, samples.Count);
        Assert.All(samples, s => Assert.Equal(s.Ids, encoder.Encode(s.Text)));
    }
}
