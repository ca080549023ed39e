using ByteLevelAlphabet = Finetune.Text.Tokenizers.ByteLevelAlphabet;
using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Text.Building;

namespace Finetune.Text.Tests.Building;

public sealed class TokenizerFilesTests
{
    private static readonly string TinyTemplatePath = Path.Combine(TestPaths.RepoRoot, "recipes", "tiny", "chat_template.jinja");

    [Fact]
    public void Llama3_own_vocabulary_and_settings_come_out_byte_identical_to_its_published_files()
    {
        var folder = TestPaths.NewTempDir();
        TokenizerFiles.WriteLlama3Style(folder, Llama3Reference.Model, new Llama3TokenizerOptions
        {
            SpecialTokens = Llama3Reference.AddedTokens,
            PadToken = null,
            ChatTemplate = Llama3Reference.ChatTemplate,
        });
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
            Assert.True(File.ReadAllBytes(TestPaths.Reference("llama3", file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(folder, file))), file);
    }

    [Fact]
    public void Trained_tokenizer_json_has_the_Llama3_layout()
    {
        var (model, folder) = WriteTiny();
        var written = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")))!.AsObject();
        var reference = JsonNode.Parse(File.ReadAllText(TestPaths.Reference("llama3", "tokenizer.json")))!.AsObject();

        Assert.Equal(Keys(reference), Keys(written));
        foreach (var same in new[] { "version", "truncation", "padding", "normalizer", "pre_tokenizer", "decoder" })
            Assert.True(JsonNode.DeepEquals(reference[same], written[same]), same);

        // The post-processor differs only in the BOS id: 128000 there, right after our vocabulary here.
        var bosIds = reference["post_processor"]!["processors"]![1]!["special_tokens"]!["<|begin_of_text|>"]!["ids"]!.AsArray();
        bosIds[0] = model.Vocab.Count;
        Assert.True(JsonNode.DeepEquals(reference["post_processor"], written["post_processor"]));

        var referenceModel = reference["model"]!.AsObject();
        var writtenModel = written["model"]!.AsObject();
        Assert.Equal(Keys(referenceModel), Keys(writtenModel));
        foreach (var (key, value) in referenceModel.Where(p => p.Key is not ("vocab" or "merges")))
            Assert.True(JsonNode.DeepEquals(value, writtenModel[key]), key);
        Assert.Equal(model.Vocab.Select((token, id) => (token, id)), writtenModel["vocab"]!.AsObject().Select(p => (p.Key, p.Value!.GetValue<int>())));
        Assert.Equal(model.Merges.Select(m => m.Left + " " + m.Right), writtenModel["merges"]!.AsArray().Select(m => m!.GetValue<string>()));

        var added = written["added_tokens"]!.AsArray();
        Assert.Equal(16, added.Count);
        for (var i = 0; i < added.Count; i++)
        {
            var referenceEntry = reference["added_tokens"]![i]!.DeepClone().AsObject();
            referenceEntry["id"] = model.Vocab.Count + i;
            Assert.True(JsonNode.DeepEquals(referenceEntry, added[i]), $"added token {i}");
        }
    }

    [Fact]
    public void Tokenizer_config_lists_specials_by_id_and_carries_the_tiny_chat_template()
    {
        var (model, folder) = WriteTiny();
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!.AsObject();
        var reference = JsonNode.Parse(File.ReadAllText(TestPaths.Reference("llama3", "tokenizer_config.json")))!.AsObject();

        Assert.Equal(Keys(reference).Append("pad_token").Order(StringComparer.Ordinal), Keys(config));
        Assert.Equal("<|begin_of_text|>", config["bos_token"]!.GetValue<string>());
        Assert.Equal("<|eot_id|>", config["eos_token"]!.GetValue<string>());
        Assert.Equal("<|finetune_right_pad_id|>", config["pad_token"]!.GetValue<string>());
        Assert.Equal("PreTrainedTokenizerFast", config["tokenizer_class"]!.GetValue<string>());
        Assert.Equal(File.ReadAllText(TinyTemplatePath), config["chat_template"]!.GetValue<string>());

        var decoder = config["added_tokens_decoder"]!.AsObject();
        Assert.Equal(Enumerable.Range(model.Vocab.Count, 16).Select(id => id.ToString()), decoder.Select(p => p.Key));
        Assert.Equal("<|eot_id|>", decoder[(model.Vocab.Count + 9).ToString()]!["content"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(reference["added_tokens_decoder"]!["128000"], decoder[model.Vocab.Count.ToString()]));

        var map = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "special_tokens_map.json")))!.AsObject();
        Assert.Equal(["bos_token", "eos_token", "pad_token"], Keys(map));
        Assert.Equal("<|finetune_right_pad_id|>", map["pad_token"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public void Config_sorts_added_token_ids_as_strings_like_transformers()
    {
        // Python's json.dumps(sort_keys=True) orders "1000" before "998"; ids 998..1013 come out that way.
        var model = new ByteLevelBpeModel([.. ByteLevelAlphabet.Chars.Select(c => c.ToString()), .. Enumerable.Range(0, 742).Select(i => "a" + new string('b', i + 1))], []);
        var folder = TestPaths.NewTempDir();
        TokenizerFiles.WriteLlama3Style(folder, model, new Llama3TokenizerOptions());
        var keys = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")))!["added_tokens_decoder"]!.AsObject().Select(p => p.Key);
        Assert.Equal(["1000", "1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009", "1010", "1011", "1012", "1013", "998", "999"], keys);
    }

    [Fact]
    public void Strings_are_escaped_as_Python_and_serde_json_write_them()
    {
        var folder = TestPaths.NewTempDir();
        TokenizerFiles.WriteLlama3Style(folder, ByteLevelBpeTrainer.Train(["x"], 256), new Llama3TokenizerOptions { ChatTemplate = "a\u001bb\"c\\d\n\t<é>" });
        var text = File.ReadAllText(Path.Combine(folder, "tokenizer_config.json"));
        Assert.Contains("  \"chat_template\": \"a\\u001bb\\\"c\\\\d\\n\\t<é>\",\n", text);
    }

    [Fact]
    public void Two_trainings_and_writes_give_identical_bytes_with_unix_line_ends()
    {
        var (_, first) = WriteTiny();
        var (_, second) = WriteTiny();
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json" })
        {
            var bytes = File.ReadAllBytes(Path.Combine(first, file));
            Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(second, file)));
            Assert.DoesNotContain((byte)'\r', bytes);
        }
    }

    [Fact]
    public void Refuses_a_bos_that_is_not_a_special_token_and_a_special_already_in_the_vocab()
    {
        var model = ByteLevelBpeTrainer.Train(["aaa aaa"], 300);
        var folder = TestPaths.NewTempDir();
        Assert.Throws<ArgumentException>(() => TokenizerFiles.WriteLlama3Style(folder, model, new Llama3TokenizerOptions { BosToken = "<s>" }));
        Assert.Throws<ArgumentException>(() => TokenizerFiles.WriteLlama3Style(folder, model,
            new Llama3TokenizerOptions { SpecialTokens = [.. Llama3SpecialTokens.Create(16), "aa"] }));
    }

    [Fact]
    public void Returns_the_ids_a_model_config_needs()
    {
        var model = ByteLevelBpeTrainer.Train(TrainingTexts.ManyRows(200), vocabSize: 500);
        var written = TokenizerFiles.WriteLlama3Style(TestPaths.NewTempDir(), model, new Llama3TokenizerOptions());
        // Llama 3 offsets from the first special id: bos +0, pad +4, eot +9 (README: 128000, 128004, 128009).
        Assert.Equal(500, model.Vocab.Count);
        Assert.Equal(516, written.VocabSize);
        Assert.Equal(500, written.BosTokenId);
        Assert.Equal(509, written.EosTokenId);
        Assert.Equal(504, written.PadTokenId);
        Assert.Equal(506, written.SpecialTokenIds["<|start_header_id|>"]);
    }

    private static (ByteLevelBpeModel Model, string Folder) WriteTiny()
    {
        var model = ByteLevelBpeTrainer.Train(TrainingTexts.Paragraphs, vocabSize: 500);
        var folder = TestPaths.NewTempDir();
        TokenizerFiles.WriteLlama3Style(folder, model, new Llama3TokenizerOptions { ChatTemplate = File.ReadAllText(TinyTemplatePath) });
        return (model, folder);
    }

    private static List<string> Keys(JsonObject obj) => [.. obj.Select(p => p.Key)];
}
