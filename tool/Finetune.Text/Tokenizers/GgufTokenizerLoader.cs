using Finetune.Text.Gguf;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// Reads the <c>tokenizer.ggml.*</c> vocabulary of a GGUF file. The SentencePiece-style <c>llama</c> model:
/// merges by score like SentencePiece and llama.cpp, byte fallback through the BYTE tokens, <c>▁</c>
/// prepended and spaces written as <c>▁</c>. The byte-level <c>gpt2</c> model (Llama 3 GGUFs): vocab and
/// merges as in tokenizer.json, the split regex chosen by <c>tokenizer.ggml.pre</c>. In both, CONTROL and
/// USER_DEFINED tokens are split out of the raw text like HF added tokens.
/// </summary>
internal static class GgufTokenizerLoader
{
    private const int Normal = GgufVocab.Normal, Unknown = GgufVocab.Unknown, Control = GgufVocab.Control, UserDefined = GgufVocab.UserDefined, Byte = GgufVocab.Byte;

    public static TokenizerParts Load(GgufFile gguf)
    {
        var path = gguf.FilePath;
        var kind = gguf.GetString("tokenizer.ggml.model")
            ?? throw new TokenizerException($"{path}: no tokenizer.ggml.model in the GGUF metadata");
        return kind switch
        {
            "llama" => LoadSentencePiece(gguf),
            "gpt2" => LoadByteLevel(gguf),
            _ => throw new TokenizerException($"{path}: GGUF tokenizer model '{kind}' is not supported (supported: llama, gpt2)"),
        };
    }

    private static (string[] Tokens, long[] Types) Vocab(GgufFile gguf)
    {
        var path = gguf.FilePath;
        var tokens = gguf.GetArray<string[]>("tokenizer.ggml.tokens")
            ?? throw new TokenizerException($"{path}: no tokenizer.ggml.tokens array");
        var types = gguf.GetArray<long[]>("tokenizer.ggml.token_type") ?? Enumerable.Repeat((long)Normal, tokens.Length).ToArray();
        if (types.Length != tokens.Length)
            throw new TokenizerException($"{path}: tokenizer.ggml tokens ({tokens.Length}) and token_type ({types.Length}) differ in length");
        return (tokens, types);
    }

    private static List<AddedTokenInfo> AddedTokens(string[] tokens, long[] types)
    {
        var added = new List<AddedTokenInfo>();
        for (var id = 0; id < tokens.Length; id++)
            if (types[id] is Control or UserDefined or Unknown)
                added.Add(new AddedTokenInfo(id, tokens[id], Special: types[id] != UserDefined));
        return added;
    }

    private static TokenizerParts LoadByteLevel(GgufFile gguf)
    {
        var path = gguf.FilePath;
        var (tokens, types) = Vocab(gguf);
        var pre = gguf.GetString("tokenizer.ggml.pre") ?? "default";
        var pattern = pre switch
        {
            "llama-bpe" or "llama3" or "llama-v3" => ByteLevelBpeModel.Llama3Pattern,
            "default" or "gpt-2" or "gpt2" => ByteLevelBpeModel.Gpt2Pattern,
            "qwen2" => Gguf.GgufVocabulary.Qwen2Pattern,
            _ => throw new TokenizerException($"{path}: GGUF pre-tokenizer '{pre}' is not supported (supported: llama-bpe, qwen2, gpt-2)"),
        };
        var ids = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (var id = 0; id < tokens.Length; id++)
            ids.TryAdd(tokens[id], id);
        var merges = (gguf.GetArray<string[]>("tokenizer.ggml.merges") ?? throw new TokenizerException($"{path}: no tokenizer.ggml.merges array"))
            .Select((m, i) => SplitMerge(m, i, path))
            .ToList();
        ByteLevelBpeModel.CheckMergesFollowRanks(merges, ids, path);
        var model = new ByteLevelBpeModel(tokens, ids, pattern, path, id => types[id] is Normal or Byte);
        var vocab = new GgufVocab { Model = "gpt2", Tokens = tokens, Types = types, Merges = merges, SplitPattern = pattern };
        return Assemble(gguf, vocab, model, TextNormalizer.None, new TokenDecoder([new TokenDecoder.ByteLevelStep()]), addUnnormalized: false);
    }

    private static (string, string) SplitMerge(string merge, int index, string path)
    {
        var space = merge.Length > 1 ? merge.IndexOf(' ', 1) : -1;
        return space > 0
            ? (merge[..space], merge[(space + 1)..])
            : throw new TokenizerException($"{path}: merge {index} \"{merge}\" is not two tokens separated by a space");
    }

    private static TokenizerParts LoadSentencePiece(GgufFile gguf)
    {
        var path = gguf.FilePath;
        var (tokens, types) = Vocab(gguf);
        var scores = gguf.GetArray<float[]>("tokenizer.ggml.scores") ?? new float[tokens.Length];
        if (scores.Length != tokens.Length)
            throw new TokenizerException($"{path}: tokenizer.ggml tokens ({tokens.Length}) and scores ({scores.Length}) differ in length");
        var unk = Id(gguf, "tokenizer.ggml.unknown_token_id", tokens.Length);
        var prefixSpace = !gguf.Metadata.TryGetValue("tokenizer.ggml.add_space_prefix", out var sp) || sp is true;
        var vocab = new GgufVocab { Model = "llama", Tokens = tokens, Types = types, Scores = scores, AddSpacePrefix = prefixSpace, UnkId = unk };
        var merges = MergeBpeModel.MergesFromScores(tokens, scores, vocab.IsMergeable);
        var model = new MergeBpeModel(tokens, merges, byteFallback: types.Contains(Byte), unkId: unk, fuseUnk: true);
        var replace = new TextNormalizer.ReplaceStep(" ", null, "\u2581");
        List<TextNormalizer.Step> steps = prefixSpace ? [new TextNormalizer.PrependStep("\u2581"), replace] : [replace];
        List<TokenDecoder.Step> decoder = [new TokenDecoder.ReplaceStep("\u2581", " "), new TokenDecoder.ByteFallbackStep(), new TokenDecoder.FuseStep()];
        if (prefixSpace)
            decoder.Add(new TokenDecoder.StripStep(' ', 1, 0));
        return Assemble(gguf, vocab, model, new TextNormalizer(steps), new TokenDecoder(decoder), addUnnormalized: true);
    }

    private static TokenizerParts Assemble(GgufFile gguf, GgufVocab vocab, ITokenModel model, TextNormalizer normalizer, TokenDecoder decoder, bool addUnnormalized)
    {
        var (path, tokens) = (gguf.FilePath, vocab.Tokens);
        var bos = Id(gguf, "tokenizer.ggml.bos_token_id", tokens.Length);
        var eos = Id(gguf, "tokenizer.ggml.eos_token_id", tokens.Length);
        var pad = Id(gguf, "tokenizer.ggml.padding_token_id", tokens.Length);
        var addBos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_bos_token", out var ab) ? ab is true : true;
        var addEos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_eos_token", out var ae) && ae is true;
        return new TokenizerParts
        {
            Source = path,
            Model = model,
            Normalizer = normalizer,
            Decoder = decoder,
            AddedTokens = AddedTokens(tokens, vocab.Types),
            Prefix = addBos && bos is { } b ? [b] : [],
            Suffix = addEos && eos is { } e ? [e] : [],
            BosToken = bos is { } bi ? tokens[bi] : null,
            EosToken = eos is { } ei ? tokens[ei] : null,
            PadToken = pad is { } pi ? tokens[pi] : null,
            ChatTemplate = gguf.GetString("tokenizer.chat_template"),
            AddUnnormalized = addUnnormalized,
            Gguf = vocab,
        };
    }

    private static int? Id(GgufFile gguf, string key, int count) =>
        gguf.GetInteger(key) is { } id && id >= 0 && id < count ? (int)id : null;
}
