using ByteLevelAlphabet = Finetune.Text.Tokenizers.ByteLevelAlphabet;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Finetune.Text.Building;

/// <summary>
/// Writes a byte-level BPE as Hugging Face tokenizer files laid out exactly like Llama 3's: <c>tokenizer.json</c>
/// (Split regex + ByteLevel pre-tokenizer, ByteLevel + TemplateProcessing post-processor adding the BOS token,
/// ByteLevel decoder, BPE model with <c>ignore_merges</c>), <c>tokenizer_config.json</c> and
/// <c>special_tokens_map.json</c>. The bytes depend only on the inputs: given Llama 3.2's own vocabulary, merges
/// and settings, the three files come out identical to its published ones.
/// </summary>
public static class TokenizerFiles
{
    public const string TokenizerJson = "tokenizer.json";
    public const string TokenizerConfigJson = "tokenizer_config.json";
    public const string SpecialTokensMapJson = "special_tokens_map.json";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Writes the three files into <paramref name="folder"/> (created if missing); special token ids follow the vocabulary.</summary>
    public static WrittenTokenizer WriteLlama3Style(string folder, ByteLevelBpeModel model, Llama3TokenizerOptions options)
    {
        Validate(model, options);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, TokenizerJson), HfJson.Format(TokenizerDocument(model, options), sortKeys: false), Utf8);
        File.WriteAllText(Path.Combine(folder, TokenizerConfigJson), HfJson.Format(ConfigDocument(model, options), sortKeys: true) + "\n", Utf8);
        File.WriteAllText(Path.Combine(folder, SpecialTokensMapJson), HfJson.Format(SpecialTokensMap(options), sortKeys: true) + "\n", Utf8);
        var ids = options.SpecialTokens.Select((token, i) => (token, id: model.Vocab.Count + i)).ToDictionary(x => x.token, x => x.id, StringComparer.Ordinal);
        return new WrittenTokenizer(model.Vocab.Count + options.SpecialTokens.Count, ids[options.BosToken], ids[options.EosToken],
            options.PadToken is { } pad ? ids[pad] : null, ids);
    }

    private static JsonObject TokenizerDocument(ByteLevelBpeModel model, Llama3TokenizerOptions options) => new()
    {
        ["version"] = "1.0",
        ["truncation"] = null,
        ["padding"] = null,
        ["added_tokens"] = new JsonArray([.. options.SpecialTokens.Select((token, i) => AddedToken(model.Vocab.Count + i, token))]),
        ["normalizer"] = null,
        ["pre_tokenizer"] = TokenizerJsonParts.SplitThenByteLevel(Llama3PreTokenizer.Pattern),
        ["post_processor"] = new JsonObject
        {
            ["type"] = "Sequence",
            ["processors"] = new JsonArray(
                TokenizerJsonParts.ByteLevel(addPrefixSpace: true, trimOffsets: false, useRegex: true),
                TokenizerJsonParts.Template([(options.BosToken, model.Vocab.Count + options.SpecialTokens.ToList().IndexOf(options.BosToken))], [])),
        },
        ["decoder"] = TokenizerJsonParts.ByteLevel(addPrefixSpace: true, trimOffsets: true, useRegex: true),
        ["model"] = TokenizerJsonParts.BpeModel(
            new JsonObject(model.Vocab.Select((token, id) => KeyValuePair.Create(token, (JsonNode?)id))),
            new JsonArray([.. model.Merges.Select(m => (JsonNode)m.ToString())]),
            unkToken: null, fuseUnk: false, byteFallback: false, ignoreMerges: true),
    };

    private static JsonObject AddedToken(int id, string content) => new()
    {
        ["id"] = id,
        ["content"] = content,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };

    private static JsonObject ConfigDocument(ByteLevelBpeModel model, Llama3TokenizerOptions options)
    {
        var config = new JsonObject
        {
            ["added_tokens_decoder"] = new JsonObject(options.SpecialTokens.Select((token, i) =>
                KeyValuePair.Create((model.Vocab.Count + i).ToString(CultureInfo.InvariantCulture), (JsonNode?)new JsonObject
                {
                    ["content"] = token,
                    ["lstrip"] = false,
                    ["normalized"] = false,
                    ["rstrip"] = false,
                    ["single_word"] = false,
                    ["special"] = true,
                }))),
            ["bos_token"] = options.BosToken,
            ["clean_up_tokenization_spaces"] = options.CleanUpTokenizationSpaces,
            ["eos_token"] = options.EosToken,
            ["model_input_names"] = new JsonArray("input_ids", "attention_mask"),
            ["model_max_length"] = options.ModelMaxLength,
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
        };
        if (options.ChatTemplate is { } template)
            config["chat_template"] = template;
        if (options.PadToken is { } pad)
            config["pad_token"] = pad;
        return config;
    }

    private static JsonObject SpecialTokensMap(Llama3TokenizerOptions options)
    {
        JsonObject Entry(string content) => new()
        {
            ["content"] = content,
            ["lstrip"] = false,
            ["normalized"] = false,
            ["rstrip"] = false,
            ["single_word"] = false,
        };
        var map = new JsonObject { ["bos_token"] = Entry(options.BosToken), ["eos_token"] = Entry(options.EosToken) };
        if (options.PadToken is { } pad)
            map["pad_token"] = Entry(pad);
        return map;
    }

    private static void Validate(ByteLevelBpeModel model, Llama3TokenizerOptions options)
    {
        var vocab = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in model.Vocab)
        {
            if (token.Length == 0 || !vocab.Add(token))
                throw new ArgumentException($"vocabulary token '{token}' is empty or repeated", nameof(model));
            ByteLevelAlphabet.Decode(token);
        }
        foreach (var merge in model.Merges)
            if (!vocab.Contains(merge.Left) || !vocab.Contains(merge.Right) || !vocab.Contains(merge.Result))
                throw new ArgumentException($"merge '{merge}' uses or makes a token outside the vocabulary", nameof(model));
        var specials = new HashSet<string>(StringComparer.Ordinal);
        foreach (var token in options.SpecialTokens)
            if (token.Length == 0 || vocab.Contains(token) || !specials.Add(token))
                throw new ArgumentException($"special token '{token}' is empty, repeated or in the vocabulary", nameof(options));
        foreach (var token in new[] { options.BosToken, options.EosToken, options.PadToken })
            if (token is not null && !specials.Contains(token))
                throw new ArgumentException($"'{token}' is not one of the special tokens", nameof(options));
    }
}
