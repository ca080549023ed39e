using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Finetune.Testing;
using Finetune.Text.Tokenizers;
using Xunit.Abstractions;

namespace Finetune.Text.Tests.Tokenizers;

public sealed class AddedTokensTests(Llama3Fixture fixture, ITestOutputHelper output) : IClassFixture<Llama3Fixture>
{
    private static readonly string[] ThinkAnswer = ["<think>", "</think>", "<answer>", "</answer>"];
    private readonly HfTokenizer _tok = fixture.Tokenizer;

    [Fact]
    public void Existing_tokens_are_not_added_again_and_are_reported()
    {
        var extended = _tok.WithAddedTokens(["<think>", "<|eot_id|>", "hello", "<think>"], special: false, out var warnings);
        Assert.Equal(128257, extended.VocabSize);
        Assert.Equal(128256, extended.TokenToId("<think>"));
        Assert.Equal(3, warnings.Count);
        Assert.Contains("\"<|eot_id|>\" already exists (id 128009)", warnings[0]);
        Assert.Contains("\"hello\" already exists (id 15339)", warnings[1]);
        Assert.Contains("\"<think>\" already exists (id 128256)", warnings[2]);
        Assert.Equal(128256, _tok.VocabSize);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t\n")]
    public void Empty_or_whitespace_tokens_are_refused(string token)
    {
        var e = Assert.Throws<TokenizerException>(() => _tok.WithAddedTokens(["<ok>", token], special: false));
        Assert.Contains("must not be empty or whitespace only", e.Message);
    }

    [Fact]
    public void Save_inserts_only_the_new_added_tokens_entries_in_hf_layout()
    {
        var folder = TestPaths.NewTempDir();
        _tok.WithAddedTokens(ThinkAnswer, special: false).Save(folder);
        var original = File.ReadAllText(TestPaths.Reference("llama3", "tokenizer.json"));
        var saved = File.ReadAllText(Path.Combine(folder, "tokenizer.json"));
        // The layout tokenizers' serde writes for an entry; normalized=true is transformers' add_tokens default for normal tokens.
        var expected = string.Concat(ThinkAnswer.Select((t, i) =>
            $",\n    {{\n      \"id\": {128256 + i},\n      \"content\": \"{t}\",\n      \"single_word\": false,\n      \"lstrip\": false,\n"
            + "      \"rstrip\": false,\n      \"normalized\": true,\n      \"special\": false\n    }"));
        const string lastOld = "\"content\": \"<|reserved_special_token_247|>\",\n      \"single_word\": false,\n      \"lstrip\": false,\n      \"rstrip\": false,\n      \"normalized\": false,\n      \"special\": true\n    }";
        var at = original.IndexOf(lastOld, StringComparison.Ordinal) + lastOld.Length;
        Assert.Equal(original[..at] + expected + original[at..], saved);
    }

    [Fact]
    public void Save_writes_added_tokens_decoder_and_keeps_the_rest_of_the_config()
    {
        var folder = TestPaths.NewTempDir();
        _tok.WithAddedTokens(ThinkAnswer, special: true).WithPadToken("<|finetune_right_pad_id|>").Save(folder);
        using var saved = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "tokenizer_config.json")));
        using var original = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Reference("llama3", "tokenizer_config.json")));
        var decoder = saved.RootElement.GetProperty("added_tokens_decoder");
        Assert.Equal(260, decoder.EnumerateObject().Count());
        Assert.Equal(
            "{\n      \"content\": \"</answer>\",\n      \"lstrip\": false,\n      \"normalized\": false,\n      \"rstrip\": false,\n      \"single_word\": false,\n      \"special\": true\n    }",
            decoder.GetProperty("128259").GetRawText());
        Assert.Equal(Enumerable.Range(128000, 260).Select(i => i.ToString()), decoder.EnumerateObject().Select(p => p.Name));
        Assert.Equal("<|finetune_right_pad_id|>", saved.RootElement.GetProperty("pad_token").GetString());
        foreach (var key in new[] { "chat_template", "bos_token", "eos_token", "model_max_length", "clean_up_tokenization_spaces", "tokenizer_class" })
            Assert.Equal(original.RootElement.GetProperty(key).GetRawText(), saved.RootElement.GetProperty(key).GetRawText());
    }

    [Fact]
    public void Saving_without_changes_reproduces_the_transformers_files_byte_for_byte()
    {
        var folder = TestPaths.NewTempDir();
        _tok.Save(folder);
        Assert.Equal(File.ReadAllBytes(TestPaths.Reference("llama3", "tokenizer.json")), File.ReadAllBytes(Path.Combine(folder, "tokenizer.json")));
        Assert.Equal(
            File.ReadAllText(TestPaths.Reference("llama3", "tokenizer_config.json")),
            File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")));
    }

    [Fact]
    public void Saved_folder_reloads_with_the_same_ids()
    {
        var folder = TestPaths.NewTempDir();
        var extended = _tok.WithAddedTokens(ThinkAnswer, special: false);
        var clock = Stopwatch.StartNew();
        extended.Save(folder);
        var reloaded = HfTokenizer.FromFolder(folder);
        var seconds = clock.Elapsed.TotalSeconds;
        const string text = "<think>Why is the sky blue?</think> <answer>Rayleigh scattering.</answer><|eot_id|>";
        Assert.Equal(extended.Encode(text, addBos: true), reloaded.Encode(text, addBos: true));
        Assert.Equal([128000, 128256, 128257, 128258, 128259], reloaded.Encode("<think></think><answer></answer>", addBos: true));
        Assert.Equal(128260, reloaded.VocabSize);
        output.WriteLine($"save + reload of the 9 MB Llama 3 tokenizer: {seconds:F2} s"); // timing is informative, not asserted
    }

    [Fact]
    public void Llama2_save_round_trip_keeps_unnormalized_tokens()
    {
        var llama2 = HfTokenizer.FromFolder(Path.GetDirectoryName(TestPaths.Reference("llama2", "tokenizer.json"))!);
        var folder = TestPaths.NewTempDir();
        llama2.WithAddedTokens(ThinkAnswer, special: false).Save(folder);
        var reloaded = HfTokenizer.FromFolder(folder);
        Assert.Equal([1, 32000, 32001, 32002, 32003], reloaded.Encode("<think></think><answer></answer>", addBos: true));
        var config = File.ReadAllText(Path.Combine(folder, "tokenizer_config.json"), Encoding.UTF8);
        Assert.Contains("\"32003\": {\n      \"content\": \"</answer>\",\n      \"lstrip\": false,\n      \"normalized\": false,", config);
        Assert.Contains("\"model_max_length\": 1000000000000000019884624838656,", config);
    }
}
