using Finetune.Text.Gguf;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// Reads the <c>tokenizer.ggml.*</c> vocabulary of a GGUF file. Only the SentencePiece-style <c>llama</c>
/// model: merges by score like SentencePiece and llama.cpp, byte fallback through the BYTE tokens,
/// <c>▁</c> prepended and spaces written as <c>▁</c>; CONTROL and USER_DEFINED tokens are split out of
/// the raw text like HF special tokens.
/// </summary>
internal static class GgufTokenizerLoader
{
    private const int Normal = 1, Unknown = 2, Control = 3, UserDefined = 4, Byte = 6;

    public static TokenizerParts Load(GgufFile gguf)
    {
        var path = gguf.FilePath;
        var kind = gguf.GetString("tokenizer.ggml.model")
            ?? throw new TokenizerException($"{path}: no tokenizer.ggml.model in the GGUF metadata");
        if (kind != "llama")
            throw new TokenizerException($"{path}: GGUF tokenizer model '{kind}' is not supported (supported: llama)");
        var tokens = gguf.GetArray<string[]>("tokenizer.ggml.tokens")
            ?? throw new TokenizerException($"{path}: no tokenizer.ggml.tokens array");
        var scores = gguf.GetArray<float[]>("tokenizer.ggml.scores") ?? new float[tokens.Length];
        var types = gguf.GetArray<long[]>("tokenizer.ggml.token_type") ?? Enumerable.Repeat((long)Normal, tokens.Length).ToArray();
        if (scores.Length != tokens.Length || types.Length != tokens.Length)
            throw new TokenizerException($"{path}: tokenizer.ggml tokens ({tokens.Length}), scores ({scores.Length}) and token_type ({types.Length}) differ in length");

        var merges = MergeBpeModel.MergesFromScores(tokens, scores, id => types[id] is Normal or UserDefined);
        var unk = Id(gguf, "tokenizer.ggml.unknown_token_id", tokens.Length);
        var model = new MergeBpeModel(tokens, merges, byteFallback: types.Contains(Byte), unkId: unk, fuseUnk: true);
        var added = new List<AddedTokenInfo>();
        for (var id = 0; id < tokens.Length; id++)
            if (types[id] is Control or UserDefined or Unknown)
                added.Add(new AddedTokenInfo(id, tokens[id], Special: types[id] != UserDefined));
        var bos = Id(gguf, "tokenizer.ggml.bos_token_id", tokens.Length);
        var eos = Id(gguf, "tokenizer.ggml.eos_token_id", tokens.Length);
        var pad = Id(gguf, "tokenizer.ggml.padding_token_id", tokens.Length);
        var addBos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_bos_token", out var ab) ? ab is true : true;
        var addEos = gguf.Metadata.TryGetValue("tokenizer.ggml.add_eos_token", out var ae) && ae is true;
        var prefixSpace = !gguf.Metadata.TryGetValue("tokenizer.ggml.add_space_prefix", out var sp) || sp is true;
        List<(string?, string?, string?)> steps = prefixSpace ? [("\u2581", null, null), (null, " ", "\u2581")] : [(null, " ", "\u2581")];
        List<TokenDecoder.Step> decoder = [new TokenDecoder.ReplaceStep("\u2581", " "), new TokenDecoder.ByteFallbackStep(), new TokenDecoder.FuseStep()];
        if (prefixSpace)
            decoder.Add(new TokenDecoder.StripStep(' ', 1, 0));
        return new TokenizerParts
        {
            Source = path,
            Model = model,
            Normalizer = new TextNormalizer(steps),
            Decoder = new TokenDecoder(decoder),
            AddedTokens = added,
            Prefix = addBos && bos is { } b ? [b] : [],
            Suffix = addEos && eos is { } e ? [e] : [],
            BosToken = bos is { } bi ? tokens[bi] : null,
            EosToken = eos is { } ei ? tokens[ei] : null,
            PadToken = pad is { } pi ? tokens[pi] : null,
            ChatTemplate = gguf.GetString("tokenizer.chat_template"),
            AddUnnormalized = true,
        };
    }

    private static int? Id(GgufFile gguf, string key, int count) =>
        gguf.GetInteger(key) is { } id && id >= 0 && id < count ? (int)id : null;
}
