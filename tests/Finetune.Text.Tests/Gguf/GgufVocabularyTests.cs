using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Text.Gguf;

namespace Finetune.Text.Tests.Gguf;

public sealed class GgufVocabularyTests
{
    private static readonly string Tiny = Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama");

    private static string Write(GgufMetadata metadata)
    {
        var path = Path.Combine(TestPaths.NewTempDir(), "v.gguf");
        GgufWriter.Write(path, metadata, []);
        return path;
    }

    [Fact]
    public void Llama3_style_vocab_is_written_as_the_converter_writes_it()
    {
        // Expected from the tiny model's files read by hand: 673 byte-level tokens + 16 Llama 3 specials, 417 merges,
        // bos <|begin_of_text|> 673, eos_token <|eot_id|> 682, pad 677; the post-processor puts BOS first.
        var metadata = new GgufMetadata();
        GgufVocabulary.AddTo(metadata, Tiny, 692); // three padding rows past the vocab
        var gguf = GgufFile.Read(Write(metadata));
        Assert.Equal("gpt2", gguf.GetString("tokenizer.ggml.model"));
        Assert.Equal("llama-bpe", gguf.GetString("tokenizer.ggml.pre"));
        var tokens = gguf.GetArray<string[]>("tokenizer.ggml.tokens")!;
        var types = gguf.GetArray<long[]>("tokenizer.ggml.token_type")!;
        Assert.Equal(692, tokens.Length);
        Assert.Equal("<|begin_of_text|>", tokens[673]);
        Assert.Equal(["[PAD689]", "[PAD690]", "[PAD691]"], tokens[689..]);
        Assert.All(types[..673], t => Assert.Equal(1L, t));
        Assert.All(types[673..689], t => Assert.Equal(3L, t));
        Assert.All(types[689..], t => Assert.Equal(5L, t));
        var merges = gguf.GetArray<string[]>("tokenizer.ggml.merges")!;
        Assert.Equal(417, merges.Length);
        Assert.Equal(["e s", "\u0120 h", "\u0120h a"], merges[..3]);
        Assert.Equal(673, gguf.GetInteger("tokenizer.ggml.bos_token_id"));
        Assert.Equal(682, gguf.GetInteger("tokenizer.ggml.eos_token_id"));
        Assert.Equal(677, gguf.GetInteger("tokenizer.ggml.padding_token_id"));
        Assert.Equal(true, gguf.Metadata["tokenizer.ggml.add_bos_token"]);
        Assert.False(gguf.Metadata.ContainsKey("tokenizer.ggml.add_eos_token"));
        Assert.StartsWith("{{- bos_token }}", gguf.GetString("tokenizer.chat_template"));
        Assert.False(gguf.Metadata.ContainsKey("tokenizer.ggml.scores"));
    }

    [Fact]
    public void Added_tokens_are_user_defined_unless_special_or_looking_special()
    {
        var folder = Copy(json =>
        {
            var added = json["added_tokens"]!.AsArray();
            added.Add(new JsonObject { ["id"] = 689, ["content"] = "<think>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = false });
            added.Add(new JsonObject { ["id"] = 690, ["content"] = "<tool>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true });
            added.Add(new JsonObject { ["id"] = 691, ["content"] = "<|mine|>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = false });
        });
        var metadata = new GgufMetadata();
        GgufVocabulary.AddTo(metadata, folder, 692);
        var types = GgufFile.Read(Write(metadata)).GetArray<long[]>("tokenizer.ggml.token_type")!;
        Assert.Equal([4L, 3L, 3L], types[689..]);
    }

    [Theory]
    [InlineData("lstrip", "added token \"<think>\" has lstrip: true")]
    [InlineData("pre", "the pre-tokenizer is not one llama.cpp knows by name")]
    [InlineData("wordpiece", "a WordPiece tokenizer model cannot be exported to GGUF")]
    [InlineData("rows", "token id 689 is past the model's 689 embedding rows")]
    public void A_vocab_llama_cpp_cannot_represent_is_refused_naming_the_file(string change, string message)
    {
        var folder = Copy(json =>
        {
            switch (change)
            {
                case "lstrip":
                case "rows":
                    json["added_tokens"]!.AsArray().Add(new JsonObject { ["id"] = 689, ["content"] = "<think>", ["single_word"] = false, ["lstrip"] = change == "lstrip", ["rstrip"] = false, ["normalized"] = false, ["special"] = false });
                    break;
                case "pre":
                    json["pre_tokenizer"]!["pretokenizers"]![0]!["pattern"]!["Regex"] = @"\s+|\S+";
                    break;
                case "wordpiece":
                    json["model"]!["type"] = "WordPiece";
                    break;
            }
        });
        var e = Assert.Throws<GgufExportException>(() => GgufVocabulary.AddTo(new GgufMetadata(), folder, change == "rows" ? 689 : 690));
        Assert.StartsWith(Path.Combine(folder, "tokenizer.json") + ": ", e.Message);
        Assert.Contains(message, e.Message);
    }

    private static string Copy(Action<JsonObject> edit)
    {
        var folder = TestPaths.NewTempDir("ft-vocab");
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "config.json" })
            File.Copy(Path.Combine(Tiny, file), Path.Combine(folder, file));
        var path = Path.Combine(folder, "tokenizer.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
        return folder;
    }

    /// <summary>What the export's own read-back relies on: our GGUF loader, on the vocab we write, gives HF's reference ids.</summary>
    [Theory]
    [InlineData("llama3", 128256)]
    [InlineData("llama2", 32000)]
    [InlineData("qwen3", 151669)]
    public void Our_gguf_loader_reads_the_written_vocab_back_to_the_reference_ids(string folder, int rows)
    {
        var source = TestPaths.Reference(folder);
        var metadata = new GgufMetadata().String("general.architecture", folder == "qwen3" ? "qwen2" : "llama");
        GgufVocabulary.AddTo(metadata, source, rows);
        var tokenizer = Finetune.Text.Tokenizers.HfTokenizer.FromGguf(Write(metadata));
        foreach (var line in File.ReadLines(Path.Combine(source, "encode_samples.jsonl")).Where(l => l.Length > 0))
        {
            var json = JsonNode.Parse(line)!;
            var text = (string)json["text"]!;
            if (folder == "llama2" && new[] { "<s>", "</s>", "<unk>" }.Any(text.Contains)) continue; // see GgufVocabLlamaCppTests
            Assert.True(json["ids"]!.AsArray().Select(i => (int)i!).SequenceEqual(tokenizer.Encode(text)), text);
        }
    }
}
