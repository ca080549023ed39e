using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class BadInputTests
{
    private static string Write(string json)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "tokenizer.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Malformed_json_names_the_file_and_line()
    {
        var path = Write("{\n  \"model\": {\n    \"type\": \"BPE\",,\n");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.FromTokenizerJson(path, null));
        Assert.Equal($"{path}: not valid JSON (line 3, byte 19)", e.Message);
    }

    [Fact]
    public void Unknown_model_type_is_named()
    {
        var path = Write("""{"added_tokens": [], "model": {"type": "Unigram", "vocab": []}}""");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.FromTokenizerJson(path, null));
        Assert.Equal($"{path}: unknown tokenizer model type 'Unigram' (supported: BPE)", e.Message);
    }

    [Fact]
    public void Missing_model_and_merges_with_unknown_tokens_are_named()
    {
        var noModel = Write("""{"added_tokens": []}""");
        Assert.Equal($"{noModel}: \"model\" is missing or not a JSON object",
            Assert.Throws<TokenizerException>(() => HfTokenizer.FromTokenizerJson(noModel, null)).Message);
        var badMerge = Write("""{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}}""");
        Assert.Equal($"{badMerge}: merge 0 \"a b\" uses a token that is not in the vocab",
            Assert.Throws<TokenizerException>(() => HfTokenizer.FromTokenizerJson(badMerge, null)).Message);
    }

    [Theory]
    [InlineData("\"normalizer\": {\"type\": \"BertNormalizer\"}",
        "normalizer 'BertNormalizer' is not supported (supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, StripAccents)")]
    [InlineData("\"normalizer\": {\"type\": \"Sequence\", \"normalizers\": [{\"type\": \"NFC\"}, {\"type\": \"Precompiled\"}]}",
        "normalizer 'Precompiled' is not supported (supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, StripAccents)")]
    [InlineData("\"pre_tokenizer\": {\"type\": \"UnicodeScripts\"}",
        "pre_tokenizer 'UnicodeScripts' is not supported (supported: Sequence, Split, ByteLevel, Metaspace, Digits, Punctuation, WhitespaceSplit, Whitespace, BertPreTokenizer, CharDelimiterSplit)")]
    [InlineData("\"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"Regex\": \"a\"}, \"behavior\": \"Sideways\", \"invert\": false}",
        "pre_tokenizer Split behavior 'Sideways' is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous")]
    [InlineData("\"pre_tokenizer\": {\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"ByteLevel\"}, {\"type\": \"Digits\"}]}",
        "pre_tokenizer steps after ByteLevel are not supported (ByteLevel must come last)")]
    [InlineData("\"decoder\": {\"type\": \"WordPiece\"}",
        "decoder 'WordPiece' is not supported (supported: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, BPEDecoder, Sequence)")]
    [InlineData("\"post_processor\": {\"type\": \"Custom\"}",
        "post_processor 'Custom' is not supported (supported: TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing, Sequence)")]
    public void Unsupported_components_are_named(string part, string message)
    {
        var path = Write("{" + part + """, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""");
        Assert.Equal($"{path}: {message}", Assert.Throws<TokenizerException>(() => HfTokenizer.FromTokenizerJson(path, null)).Message);
    }

    [Fact]
    public void A_regex_dotnet_cannot_run_is_named_with_its_component()
    {
        var path = Write("""{"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "a++"}, "behavior": "Isolated", "invert": false}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""");
        Assert.StartsWith($"{path}: pre_tokenizer Split: regex \"a++\" is not supported here (",
            Assert.Throws<TokenizerException>(() => HfTokenizer.FromTokenizerJson(path, null)).Message);
    }

    [Fact]
    public void Bpe_dropout_is_refused_by_name()
    {
        var path = Write("""{"model": {"type": "BPE", "dropout": 0.1, "vocab": {"a": 0}, "merges": []}}""");
        Assert.Equal($"{path}: BPE model with dropout 0.1 is not supported (encoding would be random)",
            Assert.Throws<TokenizerException>(() => HfTokenizer.FromTokenizerJson(path, null)).Message);
    }

    [Fact]
    public void A_folder_without_tokenizer_json_is_named()
    {
        var folder = TestPaths.NewTempDir();
        Assert.Equal($"{folder}: no tokenizer.json in the model folder", Assert.Throws<TokenizerException>(() => HfTokenizer.Load(folder)).Message);
    }

    [Fact]
    public void Missing_or_broken_gguf_files_are_named()
    {
        var dir = TestPaths.NewTempDir();
        var missing = Path.Combine(dir, "none.gguf");
        Assert.Equal($"{missing}: file not found", Assert.Throws<TokenizerException>(() => HfTokenizer.Load(missing)).Message);
        var broken = Path.Combine(dir, "broken.gguf");
        File.WriteAllText(broken, "not a gguf");
        Assert.Equal($"{broken}: not a GGUF file (bad magic)", Assert.Throws<TokenizerException>(() => HfTokenizer.Load(broken)).Message);
    }

    [Fact]
    public void Unknown_pad_token_is_named()
    {
        var stories = TestPaths.Reference("models", "stories260K.gguf");
        var e = Assert.Throws<TokenizerException>(() => HfTokenizer.Load(stories).WithPadToken("<pad>"));
        Assert.Equal($"pad token \"<pad>\" is not a token of {stories}", e.Message);
    }

    [Fact]
    public void A_tiny_hand_made_bpe_merges_by_rank()
    {
        // Hand-worked: "abc" → a b c → merge 0 ("b c") → a bc → merge 1 ("a bc") → abc; "cab" has no merges after a b → c ab.
        var path = Write("""{"model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "c": 2, "bc": 3, "abc": 4, "ab": 5}, "merges": ["b c", "a bc", "a b"]}}""");
        var tok = HfTokenizer.FromTokenizerJson(path, null);
        Assert.Equal([4], tok.Encode("abc"));
        Assert.Equal([2, 5], tok.Encode("cab"));
        Assert.Equal([5, 5], tok.Encode("abab"));
    }
}
