using System.Text.Json.Nodes;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// A GGUF vocabulary as the Hugging Face files transformers makes of it. <c>llama</c> (SentencePiece BPE):
/// the layout of transformers' <c>LlamaConverter</c> (BPE with byte fallback and <c>fuse_unk</c>, merges
/// derived from the scores as its <c>SentencePieceExtractor</c> does, <c>Prepend("▁")</c> + <c>Replace(" ", "▁")</c>
/// normalizer, Replace/ByteFallback/Fuse/Strip decoder). <c>gpt2</c>: the Llama 3 byte-level layout (Split
/// regex + ByteLevel pre-tokenizer, the GGUF's merges). Control, unknown and user-defined tokens become
/// <c>added_tokens</c> with <c>normalized: false</c>, matched in the raw text as the GGUF tokenizer does.
/// </summary>
internal static class GgufTokenizerJson
{
    private const string Space = "\u2581";

    public static string TokenizerJson(TokenizerParts parts, GgufVocab vocab)
    {
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray([.. parts.AddedTokens.OrderBy(t => t.Id).Select(AddedToken)]),
        };
        var sentencePiece = vocab.Model == "llama";
        json["normalizer"] = sentencePiece ? Normalizer(vocab.AddSpacePrefix) : null;
        json["pre_tokenizer"] = sentencePiece ? null : PreTokenizer(vocab.SplitPattern!);
        var template = TemplateProcessing(parts);
        json["post_processor"] = sentencePiece || template is null ? template : new JsonObject
        {
            ["type"] = "Sequence",
            ["processors"] = new JsonArray(ByteLevel(addPrefixSpace: true, trimOffsets: false, useRegex: true), template),
        };
        json["decoder"] = sentencePiece ? SentencePieceDecoder(vocab.AddSpacePrefix) : ByteLevel(addPrefixSpace: true, trimOffsets: true, useRegex: true);
        json["model"] = sentencePiece ? SentencePieceModel(vocab) : ByteLevelModel(vocab);
        return HfJson.Format(json, sortKeys: false) + "\n";
    }

    /// <summary>tokenizer_config.json without <c>added_tokens_decoder</c> (the writer adds it for every tokenizer).</summary>
    public static JsonObject Config(TokenizerParts parts, GgufVocab vocab)
    {
        var sentencePiece = vocab.Model == "llama";
        var config = new JsonObject
        {
            ["add_bos_token"] = parts.Prefix.Count > 0,
            ["add_eos_token"] = parts.Suffix.Count > 0,
            ["bos_token"] = parts.BosToken,
            ["clean_up_tokenization_spaces"] = !sentencePiece,
            ["eos_token"] = parts.EosToken,
            ["model_input_names"] = new JsonArray("input_ids", "attention_mask"),
            ["pad_token"] = parts.PadToken,
            // The fast tokenizer class runs tokenizer.json exactly as written (LlamaTokenizerFast would rebuild parts of it).
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
        };
        if (sentencePiece)
        {
            config["legacy"] = true;
            config["unk_token"] = vocab.UnkId is { } unk ? vocab.Tokens[unk] : null;
        }
        if (parts.ChatTemplate is { } template)
            config["chat_template"] = template;
        return config;
    }

    /// <summary>
    /// transformers' <c>generate_merges</c>: for every piece (in id order), each split into two pieces of the
    /// vocab, ordered within the piece by the ids of the halves; then all of them by (score of the piece,
    /// length of the left half, length of the right half), highest first, keeping that order on ties. Only
    /// pieces the GGUF tokenizer merges take part, so the merge list reproduces its encoding.
    /// </summary>
    public static List<(string Left, string Right)> SentencePieceMerges(GgufVocab vocab)
    {
        var (tokens, scores) = (vocab.Tokens, vocab.Scores!);
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
            ids.TryAdd(tokens[id], id);
        var merges = new List<(string Left, string Right, float Score, int Order)>();
        for (var id = 0; id < tokens.Length; id++)
        {
            var piece = tokens[id];
            if (!vocab.IsMergeable(id))
                continue;
            var local = new List<(int L, int R, string Left, string Right)>();
            for (var cut = 1; cut < piece.Length; cut++)
            {
                if (char.IsLowSurrogate(piece[cut]))
                    continue;
                var (left, right) = (piece[..cut], piece[cut..]);
                if (ids.TryGetValue(left, out var l) && vocab.IsMergeable(l) && ids.TryGetValue(right, out var r) && vocab.IsMergeable(r))
                    local.Add((l, r, left, right));
            }
            foreach (var m in local.OrderBy(m => m.L).ThenBy(m => m.R))
                merges.Add((m.Left, m.Right, scores[id], merges.Count));
        }
        return [.. merges
            .OrderByDescending(m => m.Score)
            .ThenByDescending(m => CodePoints(m.Left))
            .ThenByDescending(m => CodePoints(m.Right))
            .ThenBy(m => m.Order)
            .Select(m => (m.Left, m.Right))];
    }

    private static int CodePoints(string text) => text.Length - text.Count(char.IsLowSurrogate);

    private static JsonObject AddedToken(AddedTokenInfo token) => new()
    {
        ["id"] = token.Id,
        ["content"] = token.Content,
        ["single_word"] = token.SingleWord,
        ["lstrip"] = token.Lstrip,
        ["rstrip"] = token.Rstrip,
        ["normalized"] = token.Normalized,
        ["special"] = token.Special,
    };

    private static JsonObject Normalizer(bool addSpacePrefix)
    {
        var steps = new JsonArray();
        if (addSpacePrefix)
            steps.Add(new JsonObject { ["type"] = "Prepend", ["prepend"] = Space });
        steps.Add(new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = " " }, ["content"] = Space });
        return new JsonObject { ["type"] = "Sequence", ["normalizers"] = steps };
    }

    private static JsonObject PreTokenizer(string pattern) => pattern == ByteLevelBpeModel.Gpt2Pattern
        ? ByteLevel(addPrefixSpace: false, trimOffsets: true, useRegex: true)
        : TokenizerJsonParts.SplitThenByteLevel(pattern);

    private static JsonObject ByteLevel(bool addPrefixSpace, bool trimOffsets, bool useRegex) =>
        TokenizerJsonParts.ByteLevel(addPrefixSpace, trimOffsets, useRegex);

    /// <summary>BOS/EOS around each sequence as transformers' Llama post-processor: single <c>bos $A eos</c>, pair <c>bos $A eos bos $B eos</c>.</summary>
    private static JsonObject? TemplateProcessing(TokenizerParts parts) =>
        parts.Prefix.Count == 0 && parts.Suffix.Count == 0
            ? null
            : TokenizerJsonParts.Template(
                [.. parts.Prefix.Select(id => (TokenOf(parts, id), id))],
                [.. parts.Suffix.Select(id => (TokenOf(parts, id), id))]);

    private static string TokenOf(TokenizerParts parts, int id) => parts.Model.IdToToken(id)
        ?? throw new TokenizerException($"{parts.Source}: post-processor token id {id} is not in the vocab");

    private static JsonObject SentencePieceDecoder(bool addSpacePrefix)
    {
        var steps = new JsonArray(
            new JsonObject { ["type"] = "Replace", ["pattern"] = new JsonObject { ["String"] = Space }, ["content"] = " " },
            new JsonObject { ["type"] = "ByteFallback" },
            new JsonObject { ["type"] = "Fuse" });
        if (addSpacePrefix)
            steps.Add(new JsonObject { ["type"] = "Strip", ["content"] = " ", ["start"] = 1, ["stop"] = 0 });
        return new JsonObject { ["type"] = "Sequence", ["decoders"] = steps };
    }

    private static JsonObject SentencePieceModel(GgufVocab vocab) => TokenizerJsonParts.BpeModel(
        Vocab(vocab.Tokens), Merges(SentencePieceMerges(vocab)),
        unkToken: vocab.UnkId is { } unk ? vocab.Tokens[unk] : null, fuseUnk: true,
        byteFallback: vocab.Types.Contains(GgufVocab.Byte), ignoreMerges: false);

    private static JsonObject ByteLevelModel(GgufVocab vocab) => TokenizerJsonParts.BpeModel(
        Vocab(vocab.Tokens), Merges(vocab.Merges!),
        unkToken: null, fuseUnk: false, byteFallback: false, ignoreMerges: vocab.SplitPattern != ByteLevelBpeModel.Gpt2Pattern);

    private static JsonObject Vocab(string[] tokens)
    {
        var vocab = new JsonObject();
        for (var id = 0; id < tokens.Length; id++)
            vocab.TryAdd(tokens[id], id);
        return vocab;
    }

    /// <summary>Merges as <c>["left", "right"]</c> pairs (tokenizers ≥ 0.20), which stay unambiguous when a piece holds a space.</summary>
    private static JsonArray Merges(IEnumerable<(string Left, string Right)> merges) =>
        new([.. merges.Select(m => (JsonNode)new JsonArray(m.Left, m.Right))]);
}
