using System.Text;
using System.Text.Json;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>
/// A GGUF <c>llama</c> (SentencePiece) vocab saved as tokenizer.json + tokenizer_config.json in transformers'
/// LlamaConverter layout reloads into a tokenizer that encodes exactly as the GGUF one. The same files,
/// read by the Rust <c>tokenizers</c> 0.22 library (npm @anush008/tokenizers 0.6.0), gave the GGUF ids on
/// all of these texts when this was written.
/// </summary>
public sealed class GgufSentencePieceSaveTests(Stories260KSavedFixture fixture) : IClassFixture<Stories260KSavedFixture>
{
    /// <summary>The texts of the Llama 2 reference files (their ids are Llama 2's; this vocab is another, so the GGUF tokenizer is the reference).</summary>
    public static TheoryData<string> Llama2Texts => [.. ((IEnumerable<object[]>)ReferenceSamples.Load("llama2", "encode_samples.jsonl"))
        .Concat(ReferenceSamples.Load("llama2", "llamacpp_llama_spm_vectors.jsonl"))
        .Select(row => (string)row[1])];

    [Fact]
    public void Reloaded_tokenizer_encodes_once_upon_a_time_with_bos_as_the_readme_says()
    {
        // ../shared/reference/models/README.md: <s> ▁Once ▁upon ▁a ▁time.
        Assert.Equal([1, 403, 407, 261, 378], fixture.Reloaded.Encode("Once upon a time", addBos: true));
        Assert.Equal([1, 403, 407, 261, 378], fixture.ReloadedExtended.Encode("Once upon a time", addBos: true));
        Assert.Equal("<s> Once upon a time", fixture.Reloaded.Decode([1, 403, 407, 261, 378]));
    }

    [Theory]
    [MemberData(nameof(Llama2Texts))]
    public void Reloaded_tokenizer_gives_the_gguf_ids_on_the_llama2_sample_texts(string text)
    {
        AssertSameEncoding(fixture.Gguf, fixture.Reloaded, text);
        AssertSameEncoding(fixture.GgufExtended, fixture.ReloadedExtended, text);
    }

    [Fact]
    public void Reloaded_tokenizer_gives_the_gguf_ids_on_random_text_that_needs_byte_fallback()
    {
        var random = new Random(2026);
        string[] pieces = ["<s>", "</s>", "<unk>", "<think>", "</answer>", "\u2581", "\u00a0", "\u3000", "\ufeff", "🦙", "👍🏽", "\r\n", "  "];
        for (var n = 0; n < 500; n++)
        {
            var sb = new StringBuilder();
            var length = random.Next(0, 40);
            while (sb.Length < length)
                sb.Append(random.Next(6) switch
                {
                    0 => ((char)random.Next(32, 127)).ToString(),
                    1 => ((char)random.Next(0xC0, 0x250)).ToString(),
                    2 => ((char)random.Next(0x4E00, 0x9FA5)).ToString(),
                    3 => char.ConvertFromUtf32(random.Next(0x1F300, 0x1F650)),
                    4 => ((char)random.Next(0, 32)).ToString(),
                    _ => pieces[random.Next(pieces.Length)],
                });
            AssertSameEncoding(fixture.Gguf, fixture.Reloaded, sb.ToString());
            AssertSameEncoding(fixture.GgufExtended, fixture.ReloadedExtended, sb.ToString());
        }
    }

    [Fact]
    public void Think_and_answer_tokens_added_before_saving_give_four_ids_after_reloading()
    {
        Assert.Equal([1, 512, 513, 514, 515], fixture.ReloadedExtended.Encode("<think></think><answer></answer>", addBos: true));
        Assert.Equal(516, fixture.ReloadedExtended.VocabSize);
        Assert.Equal("<think></think><answer></answer>", fixture.ReloadedExtended.Decode([512, 513, 514, 515]));
        Assert.Equal(512, fixture.Reloaded.VocabSize);
    }

    [Fact]
    public void Tokenizer_json_has_the_llama_converter_layout()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fixture.Folder, "tokenizer.json")));
        var root = doc.RootElement;
        var model = root.GetProperty("model");
        Assert.Equal("BPE", model.GetProperty("type").GetString());
        Assert.True(model.GetProperty("byte_fallback").GetBoolean());
        Assert.True(model.GetProperty("fuse_unk").GetBoolean());
        Assert.Equal("<unk>", model.GetProperty("unk_token").GetString());
        Assert.Equal(512, model.GetProperty("vocab").EnumerateObject().Count());
        Assert.Equal(13, model.GetProperty("vocab").GetProperty("<0x0A>").GetInt32()); // BYTE tokens: id = 3 + byte
        // Merges by the merged piece's score, highest first: ▁t (259, score -0), he (260, -1), ▁a (261, -2), ...
        // ▁the (265, -6) splits two ways; transformers puts the longer left half first.
        var merges = model.GetProperty("merges").EnumerateArray().Select(m => $"{m[0].GetString()} {m[1].GetString()}").ToList();
        Assert.Equal(["▁ t", "h e", "▁ a", "▁ s", "▁ w", "n d", "▁th e", "▁t he"], merges.Take(8));

        Assert.Equal(["Prepend", "Replace"], root.GetProperty("normalizer").GetProperty("normalizers").EnumerateArray().Select(n => n.GetProperty("type").GetString()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("pre_tokenizer").ValueKind);
        Assert.Equal(["Replace", "ByteFallback", "Fuse", "Strip"], root.GetProperty("decoder").GetProperty("decoders").EnumerateArray().Select(n => n.GetProperty("type").GetString()));
        var single = root.GetProperty("post_processor").GetProperty("single");
        Assert.Equal("<s>", single[0].GetProperty("SpecialToken").GetProperty("id").GetString());
        Assert.Equal([1], root.GetProperty("post_processor").GetProperty("special_tokens").GetProperty("<s>").GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()));
        var added = root.GetProperty("added_tokens").EnumerateArray().ToList();
        Assert.Equal(["0 <unk>", "1 <s>", "2 </s>"], added.Select(a => $"{a.GetProperty("id").GetInt32()} {a.GetProperty("content").GetString()}"));
        Assert.All(added, a => Assert.True(a.GetProperty("special").GetBoolean() && !a.GetProperty("normalized").GetBoolean()));
    }

    [Fact]
    public void Tokenizer_config_names_the_special_tokens_and_decodes_every_added_token()
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fixture.ExtendedFolder, "tokenizer_config.json")));
        var config = doc.RootElement;
        Assert.Equal("<s>", config.GetProperty("bos_token").GetString());
        Assert.Equal("</s>", config.GetProperty("eos_token").GetString());
        Assert.Equal("<unk>", config.GetProperty("unk_token").GetString());
        Assert.True(config.GetProperty("add_bos_token").GetBoolean());
        Assert.False(config.GetProperty("add_eos_token").GetBoolean());
        Assert.False(config.TryGetProperty("chat_template", out _)); // stories260K has none
        var decoder = config.GetProperty("added_tokens_decoder").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("content").GetString());
        Assert.Equal(["0", "1", "2", "512", "513", "514", "515"], decoder.Keys);
        Assert.Equal("</answer>", decoder["515"]);
        Assert.Equal(1, fixture.ReloadedExtended.BosId);
        Assert.Equal([2], fixture.ReloadedExtended.EosIds);
    }

    private static void AssertSameEncoding(HfTokenizer expected, HfTokenizer actual, string text)
    {
        var ids = expected.Encode(text);
        Assert.Equal(ids, actual.Encode(text));
        Assert.Equal(expected.Encode(text, addBos: true), actual.Encode(text, addBos: true));
        Assert.Equal(expected.Decode(ids), actual.Decode(ids));
    }
}
