using System.Text.Json;
using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>
/// A GGUF <c>gpt2</c> vocab (Llama 3 as llama.cpp stores it) saved in the Llama 3 byte-level tokenizer.json
/// layout reloads into a tokenizer that reproduces the Llama 3 reference ids.
/// </summary>
public sealed class GgufByteLevelSaveTests(GgufLlama3SavedFixture fixture) : IClassFixture<GgufLlama3SavedFixture>
{
    public static TheoryData<int, string, int[]> Samples => ReferenceSamples.Load("llama3", "encode_samples.jsonl");
    public static TheoryData<int, string, int[]> LlamaCppVectors => ReferenceSamples.Load("llama3", "llamacpp_llama_bpe_vectors.jsonl");

    [Theory]
    [MemberData(nameof(Samples))]
    [MemberData(nameof(LlamaCppVectors))]
    public void Reloaded_tokenizer_encodes_the_llama3_reference_samples(int line, string text, int[] ids)
    {
        Assert.True(line > 0);
        Assert.Equal(ids, fixture.Reloaded.Encode(text));
        Assert.Equal([128000, .. ids], fixture.Reloaded.Encode(text, addBos: true));
    }

    [Fact]
    public void Added_tokens_and_chat_template_survive_the_save()
    {
        // issue 3's worked example for Llama 3 after adding the four tokens.
        Assert.Equal([128000, 128256, 128257, 128258, 128259], fixture.ReloadedExtended.Encode("<think></think><answer></answer>", addBos: true));
        Assert.Equal(GgufVocabWriter.Llama3ChatTemplate(), fixture.ReloadedExtended.ChatTemplate);
        Assert.Equal(128000, fixture.Reloaded.BosId);
        Assert.Equal([128009], fixture.Reloaded.EosIds);
    }

    [Fact]
    public void Tokenizer_json_has_the_llama3_byte_level_layout()
    {
        using var saved = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(fixture.Folder, "tokenizer.json")));
        using var reference = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Reference("llama3", "tokenizer.json")));
        foreach (var part in new[] { "normalizer", "pre_tokenizer", "post_processor", "decoder" })
            Assert.Equal(Compact(reference.RootElement.GetProperty(part)), Compact(saved.RootElement.GetProperty(part)));
        var model = saved.RootElement.GetProperty("model");
        Assert.True(model.GetProperty("ignore_merges").GetBoolean());
        Assert.Equal(["Ġ", "Ġ"], model.GetProperty("merges")[0].EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(280147, model.GetProperty("merges").GetArrayLength());
    }

    /// <summary>The same values in one form, whatever the indentation.</summary>
    private static string Compact(JsonElement e) => JsonSerializer.Serialize(e, new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
