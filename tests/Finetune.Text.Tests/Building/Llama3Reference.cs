using System.Text.Json;
using Finetune.Testing;
using Finetune.Text.Building;

namespace Finetune.Text.Tests.Building;

/// <summary>The real Llama 3.2 tokenizer files from ../shared/reference/llama3, read once for all tests.</summary>
internal static class Llama3Reference
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllBytes(TestPaths.Reference("llama3", "tokenizer.json"))));

    public static JsonElement TokenizerJson => Document.Value.RootElement;

    /// <summary>Vocabulary in id order (the file's ids are 0..127999 without gaps) and merges in rank order.</summary>
    public static ByteLevelBpeModel Model { get; } = ReadModel();

    public static IReadOnlyList<string> AddedTokens { get; } =
        [.. TokenizerJson.GetProperty("added_tokens").EnumerateArray().Select(t => t.GetProperty("content").GetString()!)];

    public static int FirstAddedId => TokenizerJson.GetProperty("added_tokens")[0].GetProperty("id").GetInt32();

    public static string ChatTemplate { get; } = JsonDocument.Parse(File.ReadAllBytes(TestPaths.Reference("llama3", "tokenizer_config.json")))
        .RootElement.GetProperty("chat_template").GetString()!;

    /// <summary>(text, ids without BOS) from encode_samples.jsonl and llamacpp_llama_bpe_vectors.jsonl.</summary>
    public static IEnumerable<(string Text, int[] Ids)> EncodeSamples() =>
        new[] { "encode_samples.jsonl", "llamacpp_llama_bpe_vectors.jsonl" }
            .SelectMany(name => File.ReadLines(TestPaths.Reference("llama3", name)))
            .Where(line => line.Length > 0)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Select(e => (e.GetProperty("text").GetString()!, e.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray()));

    public static ReferenceBpeEncoder Encoder() => new(
        Model.Vocab.Select((token, id) => (token, id)).ToDictionary(x => x.token, x => x.id),
        Model.Merges.Select(m => (m.Left, m.Right)),
        AddedTokens.Select((token, i) => (token, i)).ToDictionary(x => x.token, x => FirstAddedId + x.i));

    private static ByteLevelBpeModel ReadModel()
    {
        var model = TokenizerJson.GetProperty("model");
        var vocab = model.GetProperty("vocab").EnumerateObject().ToList();
        var tokens = new string[vocab.Count];
        foreach (var entry in vocab)
            tokens[entry.Value.GetInt32()] = entry.Name;
        var merges = model.GetProperty("merges").EnumerateArray()
            .Select(m => m.GetString()!.Split(' '))
            .Select(parts => new BpeMerge(parts[0], parts[1]))
            .ToList();
        return new ByteLevelBpeModel(tokens, merges);
    }
}
