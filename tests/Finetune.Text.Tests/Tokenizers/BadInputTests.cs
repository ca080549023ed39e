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

    [Fact]
    public void Unsupported_components_are_named()
    {
        var path = Write("""{"normalizer": {"type": "NFKC"}, "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}""");
        Assert.Equal($"{path}: normalizer 'NFKC' is not supported (supported: Sequence, Prepend, Replace)",
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
