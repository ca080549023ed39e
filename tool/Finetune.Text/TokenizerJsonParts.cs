using System.Text.Json.Nodes;

namespace Finetune.Text;

/// <summary>
/// The pieces of a Hugging Face <c>tokenizer.json</c> that every writer here builds the same way (the tiny
/// model's Llama 3 style file and files saved from GGUF vocabularies), with the key order `tokenizers` writes.
/// </summary>
internal static class TokenizerJsonParts
{
    public static JsonObject ByteLevel(bool addPrefixSpace, bool trimOffsets, bool useRegex) => new()
    {
        ["type"] = "ByteLevel",
        ["add_prefix_space"] = addPrefixSpace,
        ["trim_offsets"] = trimOffsets,
        ["use_regex"] = useRegex,
    };

    /// <summary>Llama 3's pre-tokenizer: a Split on <paramref name="pattern"/> (isolated), then ByteLevel without its own regex.</summary>
    public static JsonObject SplitThenByteLevel(string pattern) => new()
    {
        ["type"] = "Sequence",
        ["pretokenizers"] = new JsonArray(
            new JsonObject
            {
                ["type"] = "Split",
                ["pattern"] = new JsonObject { ["Regex"] = pattern },
                ["behavior"] = "Isolated",
                ["invert"] = false,
            },
            ByteLevel(addPrefixSpace: false, trimOffsets: true, useRegex: false)),
    };

    /// <summary>TemplateProcessing that puts <paramref name="prefix"/> before and <paramref name="suffix"/> after each sequence.</summary>
    public static JsonObject Template(IReadOnlyList<(string Token, int Id)> prefix, IReadOnlyList<(string Token, int Id)> suffix)
    {
        JsonArray Sequence(int typeId, string name)
        {
            var items = new JsonArray();
            foreach (var (token, _) in prefix)
                items.Add(new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = token, ["type_id"] = typeId } });
            items.Add(new JsonObject { ["Sequence"] = new JsonObject { ["id"] = name, ["type_id"] = typeId } });
            foreach (var (token, _) in suffix)
                items.Add(new JsonObject { ["SpecialToken"] = new JsonObject { ["id"] = token, ["type_id"] = typeId } });
            return items;
        }
        var pair = Sequence(0, "A");
        foreach (var item in Sequence(1, "B"))
            pair.Add(item!.DeepClone());
        var specials = new JsonObject();
        foreach (var (token, id) in prefix.Concat(suffix).DistinctBy(t => t.Id))
            specials[token] = new JsonObject { ["id"] = token, ["ids"] = new JsonArray(id), ["tokens"] = new JsonArray(token) };
        return new JsonObject
        {
            ["type"] = "TemplateProcessing",
            ["single"] = Sequence(0, "A"),
            ["pair"] = pair,
            ["special_tokens"] = specials,
        };
    }

    /// <summary>A BPE model section; <paramref name="merges"/> in the file's chosen format.</summary>
    public static JsonObject BpeModel(JsonObject vocab, JsonArray merges, string? unkToken, bool fuseUnk, bool byteFallback, bool ignoreMerges) => new()
    {
        ["type"] = "BPE",
        ["dropout"] = null,
        ["unk_token"] = unkToken,
        ["continuing_subword_prefix"] = null,
        ["end_of_word_suffix"] = null,
        ["fuse_unk"] = fuseUnk,
        ["byte_fallback"] = byteFallback,
        ["ignore_merges"] = ignoreMerges,
        ["vocab"] = vocab,
        ["merges"] = merges,
    };
}
