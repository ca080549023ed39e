using System.Text.Json.Nodes;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Gguf;

/// <summary>
/// The <c>tokenizer.*</c> metadata of a Hugging Face model folder as llama.cpp's <c>convert_hf_to_gguf.py</c> writes
/// it, read from the same files (tokenizer.json, tokenizer_config.json, config.json, chat_template.jinja).
/// A byte-level BPE (Llama 3, Qwen2/3) becomes <c>gpt2</c> with the converter's <c>pre</c> name, tokens, types
/// (added tokens CONTROL when special or looking special <c>&lt;|...|&gt;</c>, else USER_DEFINED; rows past the
/// vocab <c>[PADn]</c> UNUSED) and merges. A SentencePiece-style BPE (byte fallback) becomes <c>llama</c> with
/// scores that make llama.cpp's highest-score-first merging follow the merge ranks. Special ids and
/// <c>add_bos_token</c> follow gguf-py's <c>SpecialVocab</c>. Anything llama.cpp would tokenize differently is
/// refused before a byte is written.
/// </summary>
public static class GgufVocabulary
{
    public const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Unused = 5, Byte = 6;

    /// <summary>llama.cpp's <c>qwen2</c> pre-tokenizer regex (Llama 3's with single digits).</summary>
    public const string Qwen2Pattern = @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    private static readonly string[] SpecialTypes = ["bos", "eos", "unk", "sep", "pad", "cls", "mask"];

    /// <summary>Adds the tokenizer metadata of <paramref name="folder"/> for an embedding of <paramref name="vocabSize"/> rows.</summary>
    public static void AddTo(GgufMetadata metadata, string folder, int vocabSize)
    {
        var path = Path.Combine(folder, "tokenizer.json");
        var json = Parse(path) ?? throw new GgufExportException(path, "no tokenizer.json (a GGUF file embeds the tokenizer)");
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        var config = Parse(configPath) ?? new JsonObject();
        var model = json["model"] as JsonObject ?? throw new GgufExportException(path, "no \"model\"");
        var type = (string?)model["type"];
        if (type != "BPE")
            throw new GgufExportException(path, $"a {type} tokenizer model cannot be exported to GGUF here (BPE, byte-level or SentencePiece-style, can)");
        var vocab = model["vocab"] as JsonObject ?? throw new GgufExportException(path, "no model.vocab");
        var ids = new Dictionary<int, string>();
        foreach (var (token, id) in vocab)
            ids[(int)id!] = token;
        var added = (json["added_tokens"] as JsonArray ?? []).Select(a => a!.AsObject()).ToList();
        foreach (var a in added)
        {
            ids[(int)a["id"]!] = (string)a["content"]!;
            foreach (var flag in new[] { "lstrip", "rstrip", "single_word" })
                if ((bool?)a[flag] == true)
                    throw new GgufExportException(path, $"added token \"{a["content"]}\" has {flag}: true, which llama.cpp does not apply to added tokens");
        }
        if (ids.Keys.Max() >= vocabSize)
            throw new GgufExportException(path, $"token id {ids.Keys.Max()} is past the model's {vocabSize} embedding rows");

        bool sentencePiece = (bool?)model["byte_fallback"] == true && (string?)json["decoder"]?["type"] == "Sequence";
        var (tokens, types) = sentencePiece
            ? SentencePieceTokens(ids, added, vocabSize, config, vocab.Count)
            : ByteLevelTokens(ids, added, vocabSize);
        var duplicate = tokens.GroupBy(t => t).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new GgufExportException(path, $"token \"{duplicate.Key}\" appears twice; llama.cpp finds tokens by text");

        metadata.String("tokenizer.ggml.model", sentencePiece ? "llama" : "gpt2");
        metadata.String("tokenizer.ggml.pre", sentencePiece ? "default" : PreTokenizer(json, path));
        metadata.Strings("tokenizer.ggml.tokens", tokens);
        if (sentencePiece)
        {
            metadata.Float32s("tokenizer.ggml.scores", Scores(model, tokens, types, path));
            metadata.Int32s("tokenizer.ggml.token_type", types);
            metadata.Bool("tokenizer.ggml.add_space_prefix", PrependsSpace(json, path));
        }
        else
        {
            metadata.Int32s("tokenizer.ggml.token_type", types);
            metadata.Strings("tokenizer.ggml.merges", Merges(model, path));
        }
        AddSpecialTokens(metadata, json, config, folder, tokens.Count);
        if (ChatTemplate(config, folder, configPath) is { } template)
            metadata.String("tokenizer.chat_template", template);
    }

    /// <summary><c>get_vocab_base</c>: every id below the row count; ids without a token become <c>[PADn]</c>.</summary>
    private static (List<string>, List<int>) ByteLevelTokens(Dictionary<int, string> ids, List<JsonObject> added, int vocabSize)
    {
        var addedById = added.ToDictionary(a => (int)a["id"]!);
        var tokens = new List<string>(vocabSize);
        var types = new List<int>(vocabSize);
        for (int id = 0; id < vocabSize; id++)
        {
            if (!ids.TryGetValue(id, out var token))
            {
                tokens.Add($"[PAD{id}]");
                types.Add(Unused);
            }
            else if (addedById.TryGetValue(id, out var a))
            {
                bool control = (bool?)a["special"] == true || LooksSpecial(token);
                tokens.Add(control ? token : token.Replace('\u2581', ' '));
                types.Add(control ? Control : UserDefined);
            }
            else
            {
                tokens.Add(token);
                types.Add(Normal);
            }
        }
        return (tokens, types);
    }

    /// <summary>
    /// <c>LlamaHfVocab</c>: the base vocab (byte tokens <c>&lt;0xXX&gt;</c> BYTE, special tokens CONTROL), then the
    /// added tokens (CONTROL when special, else USER_DEFINED); <c>[PADn]</c> UNUSED rows past them.
    /// </summary>
    private static (List<string>, List<int>) SentencePieceTokens(Dictionary<int, string> ids, List<JsonObject> added, int vocabSize, JsonObject config, int baseSize)
    {
        var special = added.Where(a => (bool?)a["special"] == true).Select(a => (int)a["id"]!).ToHashSet();
        var userDefined = added.Where(a => (bool?)a["special"] != true).Select(a => (int)a["id"]!).ToHashSet();
        var tokens = new List<string>(vocabSize);
        var types = new List<int>(vocabSize);
        for (int id = 0; id < vocabSize; id++)
        {
            if (!ids.TryGetValue(id, out var token))
            {
                tokens.Add($"[PAD{id}]");
                types.Add(Unused);
                continue;
            }
            tokens.Add(token);
            types.Add(special.Contains(id) ? (token == UnkToken(config) ? Unknown : Control)
                : userDefined.Contains(id) ? UserDefined
                : IsByteToken(token) ? Byte
                : Normal);
        }
        return (tokens, types);
    }

    private static string? UnkToken(JsonObject config) => TokenText(config["unk_token"]);

    private static bool IsByteToken(string token) =>
        token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>' && Uri.IsHexDigit(token[3]) && Uri.IsHexDigit(token[4]);

    /// <summary>
    /// Scores for llama.cpp's SentencePiece merging (highest score first, leftmost on ties): a piece made by
    /// merges scores minus the rank of its first merge, so pieces merge in the order the BPE ranks say; pieces
    /// no merge makes score below all of them.
    /// </summary>
    private static List<float> Scores(JsonObject model, List<string> tokens, List<int> types, string path)
    {
        var rank = new Dictionary<string, int>(StringComparer.Ordinal);
        var merges = MergePairs(model, path);
        for (int r = 0; r < merges.Count; r++)
            rank.TryAdd(merges[r].Left + merges[r].Right, r);
        if (merges.Count >= 1 << 24)
            throw new GgufExportException(path, $"{merges.Count} merges are more than float32 scores keep apart");
        return [.. tokens.Select((t, id) => types[id] == Normal && rank.TryGetValue(t, out var r) ? -(float)r : types[id] == Normal ? -(float)merges.Count - 1 : 0f)];
    }

    /// <summary>Whether the normalizer prepends ▁ (llama.cpp's <c>add_space_prefix</c>); the only normalizers llama.cpp mirrors are Prepend ▁ and Replace " " → ▁.</summary>
    private static bool PrependsSpace(JsonObject json, string path)
    {
        var steps = json["normalizer"] is JsonObject n
            ? (string?)n["type"] == "Sequence" ? [.. (n["normalizers"] as JsonArray ?? []).Select(s => s!.AsObject())] : new List<JsonObject> { n }
            : [];
        bool prepend = false;
        foreach (var step in steps)
        {
            var kind = (string?)step["type"];
            if (kind == "Prepend" && (string?)step["prepend"] == "\u2581") prepend = true;
            else if (kind == "Replace" && (string?)step["pattern"]?["String"] == " " && (string?)step["content"] == "\u2581") { }
            else throw new GgufExportException(path, $"normalizer step {kind} has no llama.cpp equivalent");
        }
        if (json["pre_tokenizer"] is JsonObject)
            throw new GgufExportException(path, "a SentencePiece-style tokenizer with a pre_tokenizer (Metaspace) is not one llama.cpp's llama vocab mirrors; a Prepend/Replace normalizer is");
        return prepend;
    }

    /// <summary>The name llama.cpp's converter finds for this pre-tokenizer (it hashes sample encodings; the regex decides them).</summary>
    private static string PreTokenizer(JsonObject json, string path)
    {
        var normalizer = json["normalizer"] as JsonObject;
        var pre = json["pre_tokenizer"] as JsonObject;
        string? pattern = null;
        if (pre is not null && (string?)pre["type"] == "Sequence" && pre["pretokenizers"] is JsonArray { Count: 2 } steps
            && (string?)steps[0]!["type"] == "Split" && (string?)steps[1]!["type"] == "ByteLevel" && (bool?)steps[1]!["use_regex"] == false)
            pattern = (string?)steps[0]!["pattern"]?["Regex"];
        else if (pre is not null && (string?)pre["type"] == "ByteLevel" && (bool?)pre["use_regex"] != false)
            pattern = ByteLevelBpeModel.Gpt2Pattern;
        string? name = pattern switch
        {
            ByteLevelBpeModel.Llama3Pattern => "llama-bpe",
            Qwen2Pattern => "qwen2",
            ByteLevelBpeModel.Gpt2Pattern => "gpt-2",
            _ => null,
        };
        if (name is null)
            throw new GgufExportException(path, "the pre-tokenizer is not one llama.cpp knows by name (supported: Llama 3's llama-bpe, Qwen2's qwen2, GPT-2's gpt-2)");
        if (normalizer is not null && !(name == "qwen2" && (string?)normalizer["type"] == "NFC"))
            throw new GgufExportException(path, $"normalizer {(string?)normalizer["type"]} has no llama.cpp equivalent in a byte-level vocab");
        return name;
    }

    private static List<(string Left, string Right)> MergePairs(JsonObject model, string path) =>
        [.. (model["merges"] as JsonArray ?? []).Select((m, i) => m switch
        {
            JsonArray { Count: 2 } pair => ((string)pair[0]!, (string)pair[1]!),
            JsonValue v when ((string)v!).IndexOf(' ', 1) is > 0 and var space => (((string)v!)[..space], ((string)v!)[(space + 1)..]),
            _ => throw new GgufExportException(path, $"merge {i} is not a pair of tokens"),
        })];

    /// <summary>gguf-py: "left right", a space inside a part written as U+0120.</summary>
    private static List<string> Merges(JsonObject model, string path) =>
        [.. MergePairs(model, path).Select(m => $"{m.Left.Replace(' ', '\u0120')} {m.Right.Replace(' ', '\u0120')}")];

    /// <summary>
    /// gguf-py's <c>SpecialVocab</c>: ids of bos/eos/unk/sep/pad/cls/mask from tokenizer_config.json's tokens (found in
    /// added_tokens), then config.json's <c>*_token_id</c> integers; <c>add_bos_token</c>/<c>add_eos_token</c> from the
    /// post-processor template, then tokenizer_config.json's booleans.
    /// </summary>
    private static void AddSpecialTokens(GgufMetadata metadata, JsonObject json, JsonObject config, string folder, int count)
    {
        var added = (json["added_tokens"] as JsonArray ?? []).Select(a => a!.AsObject()).ToList();
        var ids = new Dictionary<string, int>();
        var addFlags = new Dictionary<string, bool>();
        var processors = json["post_processor"] is JsonObject p
            ? p["processors"] is JsonArray list ? [.. list.Select(x => x!.AsObject())] : new List<JsonObject> { p }
            : [];
        var bos = TokenText(config["bos_token"]);
        var eos = TokenText(config["eos_token"]);
        foreach (var template in processors.Where(x => (string?)x["type"] == "TemplateProcessing"))
        {
            if (template["single"] is not JsonArray { Count: > 1 } single) continue;
            if ((string?)single[0]!["SpecialToken"]?["id"] is { } first) addFlags["bos"] = first == bos;
            if ((string?)single[^1]!["SpecialToken"]?["id"] is { } last) addFlags["eos"] = last == eos;
        }
        foreach (var type in SpecialTypes)
        {
            if (config[$"add_{type}_token"] is JsonValue flag && flag.TryGetValue<bool>(out var b)) addFlags[type] = b;
            if (TokenText(config[$"{type}_token"]) is { } text && added.FirstOrDefault(a => (string?)a["content"] == text) is { } token
                && (int)token["id"]! < count)
                ids.TryAdd(type, (int)token["id"]!);
        }
        if (Parse(Path.Combine(folder, "config.json")) is { } modelConfig)
            foreach (var type in SpecialTypes)
                if (modelConfig[$"{type}_token_id"] is JsonValue v && v.TryGetValue<int>(out var id) && id >= 0 && id < count)
                    ids.TryAdd(type, id);
        string[] keys = ["bos", "eos", "unk", "sep", "pad", "cls", "mask"];
        foreach (var type in keys.Where(ids.ContainsKey))
            metadata.UInt32(type == "sep" ? "tokenizer.ggml.seperator_token_id" : type == "pad" ? "tokenizer.ggml.padding_token_id"
                : type == "unk" ? "tokenizer.ggml.unknown_token_id" : $"tokenizer.ggml.{type}_token_id", (uint)ids[type]);
        foreach (var type in keys.Where(addFlags.ContainsKey))
            metadata.Bool($"tokenizer.ggml.add_{type}_token", addFlags[type]);
    }

    private static string? ChatTemplate(JsonObject config, string folder, string configPath)
    {
        switch (config["chat_template"])
        {
            case JsonValue v when v.TryGetValue<string>(out var text): return text;
            case null:
                var jinja = Path.Combine(folder, "chat_template.jinja");
                return File.Exists(jinja) ? File.ReadAllText(jinja) : null;
            default:
                throw new GgufExportException(configPath, "chat_template is a list of named templates; export one template");
        }
    }

    /// <summary>gguf-py's <c>does_token_look_special</c> for the text forms that matter here.</summary>
    private static bool LooksSpecial(string token) =>
        token is "<pad>" or "<mask>" or "<2mass>" or "[@BOS@]"
        || (token.StartsWith("<|", StringComparison.Ordinal) && token.EndsWith("|>", StringComparison.Ordinal))
        || (token.StartsWith("<\uff5c", StringComparison.Ordinal) && token.EndsWith("\uff5c>", StringComparison.Ordinal))
        || (token.StartsWith("<unused", StringComparison.Ordinal) && token.EndsWith('>'));

    private static string? TokenText(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonObject o => (string?)o["content"],
        _ => null,
    };

    private static JsonObject? Parse(string path) => File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject : null;
}
