using System.Text;
using Finetune.Text.Gguf;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// A Hugging Face tokenizer (tokenizer.json byte-level or SentencePiece BPE, or a GGUF <c>llama</c> vocab)
/// that encodes and decodes exactly as the Rust <c>tokenizers</c> library does, gains added tokens, and
/// saves the files transformers reads.
/// </summary>
public sealed class HfTokenizer
{
    private readonly TokenizerParts _parts;
    private readonly AddedTokenMatcher _rawMatcher;
    private readonly AddedTokenMatcher _normalizedMatcher;
    private readonly Dictionary<int, AddedTokenInfo> _addedById;
    private readonly Dictionary<string, AddedTokenInfo> _addedByContent;

    internal HfTokenizer(TokenizerParts parts)
    {
        _parts = parts;
        _addedById = [];
        _addedByContent = new(StringComparer.Ordinal);
        foreach (var token in parts.AddedTokens)
        {
            _addedById[token.Id] = token;
            _addedByContent.TryAdd(token.Content, token);
        }
        _rawMatcher = new(parts.AddedTokens.Where(t => !t.Normalized).Select(t => (t.Content, t)));
        _normalizedMatcher = new(parts.AddedTokens.Where(t => t.Normalized).Select(t => (parts.Normalizer.Normalize(t.Content), t)));
        VocabSize = Math.Max(parts.Model.Size, parts.AddedTokens.Count == 0 ? 0 : parts.AddedTokens.Max(t => t.Id) + 1);
    }

    /// <summary>A model folder (tokenizer.json + tokenizer_config.json) or a .gguf file.</summary>
    public static HfTokenizer Load(string path) =>
        Directory.Exists(path) ? FromFolder(path)
        : path.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase) ? FromGguf(path)
        : path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? FromTokenizerJson(path, null)
        : throw new TokenizerException($"{path}: not a model folder, a tokenizer.json or a .gguf file");

    public static HfTokenizer FromFolder(string folder)
    {
        var json = Path.Combine(folder, "tokenizer.json");
        if (!File.Exists(json))
            throw new TokenizerException($"{folder}: no tokenizer.json in the model folder");
        var config = Path.Combine(folder, "tokenizer_config.json");
        var parts = TokenizerJsonLoader.Load(json, File.Exists(config) ? config : null);
        var generation = Path.Combine(folder, "generation_config.json");
        return new(File.Exists(generation) ? parts with { GenerationEosIds = TokenizerJsonLoader.ReadGenerationEosIds(generation) } : parts);
    }

    public static HfTokenizer FromTokenizerJson(string path, string? configPath) => new(TokenizerJsonLoader.Load(path, configPath));

    public static HfTokenizer FromGguf(string ggufPath)
    {
        if (!File.Exists(ggufPath))
            throw new TokenizerException($"{ggufPath}: file not found");
        GgufFile gguf;
        try
        {
            gguf = GgufFile.Read(ggufPath);
        }
        catch (GgufException e)
        {
            throw new TokenizerException(e.Message);
        }
        return new(GgufTokenizerLoader.Load(gguf));
    }

    /// <summary>Ids including added tokens (the next added token gets this id).</summary>
    public int VocabSize { get; }
    public IReadOnlyList<AddedTokenInfo> AddedTokens => _parts.AddedTokens;
    public string? BosToken => _parts.BosToken;
    public string? EosToken => _parts.EosToken;
    public string? PadToken => _parts.PadToken;
    public string? ChatTemplate => _parts.ChatTemplate;
    public int? BosId => BosToken is null ? null : TokenToId(BosToken);
    /// <summary>generation_config.json's eos_token_id list (when the folder has one), then the tokenizer's eos token if not in it.</summary>
    public IReadOnlyList<int> EosIds =>
        EosToken is not null && TokenToId(EosToken) is { } id && !_parts.GenerationEosIds.Contains(id) ? [.. _parts.GenerationEosIds, id] : _parts.GenerationEosIds;
    public int? PadId => PadToken is null ? null : TokenToId(PadToken);
    /// <summary>Where this tokenizer was loaded from (for messages).</summary>
    public string Source => _parts.Source;

    public int? TokenToId(string token) =>
        _addedByContent.TryGetValue(token, out var added) ? added.Id : _parts.Model.TokenToId(token);

    public string? IdToToken(int id) =>
        _addedById.TryGetValue(id, out var added) ? added.Content : _parts.Model.IdToToken(id);

    /// <summary>Encodes as HF does: added tokens split out first, then normalizer, pre-tokenizer and BPE; BOS (the post-processor's tokens) when asked.</summary>
    public IReadOnlyList<int> Encode(string text, bool addBos = false)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        if (addBos)
            ids.AddRange(_parts.Prefix);
        var from = 0;
        while (from <= text.Length)
        {
            if (!_rawMatcher.FindNext(text, from, out var start, out var end, out var id))
            {
                EncodeNormalized(text, from, text.Length, ids);
                break;
            }
            EncodeNormalized(text, from, start, ids);
            ids.Add(id);
            from = end;
        }
        if (addBos)
            ids.AddRange(_parts.Suffix);
        return ids;
    }

    /// <summary>
    /// Whether text a chat template rendered still needs the post-processor's BOS: true unless the template
    /// wrote the BOS token itself (Llama 3's templates do), so a prompt never starts with two.
    /// </summary>
    public bool NeedsBos(string renderedText) =>
        BosToken is { Length: > 0 } bos && !renderedText.StartsWith(bos, StringComparison.Ordinal);

    /// <summary>Encodes chat-template output: BOS is added only when the template did not write it.</summary>
    public IReadOnlyList<int> EncodeRendered(string renderedText) => Encode(renderedText, NeedsBos(renderedText));

    private void EncodeNormalized(string text, int start, int end, List<int> ids)
    {
        if (end <= start)
            return;
        if (_parts.Normalizer.IsIdentity && _normalizedMatcher.IsEmpty)
        {
            _parts.Model.Encode(text.AsSpan(start, end - start), start == 0, ids);
            return;
        }
        var normalized = _parts.Normalizer.Normalize(text[start..end]);
        var from = 0;
        while (from < normalized.Length)
        {
            if (!_normalizedMatcher.FindNext(normalized, from, out var s, out var e, out var id))
            {
                _parts.Model.Encode(normalized.AsSpan(from), start == 0 && from == 0, ids);
                break;
            }
            _parts.Model.Encode(normalized.AsSpan(from, s - from), start == 0 && from == 0, ids);
            ids.Add(id);
            from = e;
        }
    }

    /// <summary>Decodes through the tokenizer.json decoder, added tokens included (special ones skipped on request).</summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = false)
    {
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!(skipSpecialTokens && added.Special))
                    tokens.Add(added.Content);
                continue;
            }
            if (_parts.Model.IdToToken(id) is { } token)
                tokens.Add(token);
        }
        return _parts.Decoder.Decode(tokens);
    }

    /// <summary>A new tokenizer with these tokens appended (ids from <see cref="VocabSize"/> on); warns about tokens that already exist.</summary>
    public HfTokenizer WithAddedTokens(IEnumerable<string> tokens, bool special, out IReadOnlyList<string> warnings)
    {
        var added = new List<AddedTokenInfo>(_parts.AddedTokens);
        var fresh = new List<AddedTokenInfo>(_parts.NewTokens);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var notes = new List<string>();
        var nextId = VocabSize;
        foreach (var token in tokens)
        {
            if (string.IsNullOrWhiteSpace(token))
                throw new TokenizerException($"cannot add token \"{Escape(token)}\": an added token must not be empty or whitespace only");
            if (TokenToId(token) is { } existing || !seen.Add(token))
            {
                notes.Add($"token \"{token}\" already exists (id {TokenToId(token) ?? added.First(t => t.Content == token).Id}); not added again");
                continue;
            }
            var info = new AddedTokenInfo(nextId++, token, Normalized: !special && !_parts.AddUnnormalized, Special: special);
            added.Add(info);
            fresh.Add(info);
        }
        warnings = notes;
        return new HfTokenizer(_parts with { AddedTokens = added, NewTokens = fresh });
    }

    public HfTokenizer WithAddedTokens(IEnumerable<string> tokens, bool special) => WithAddedTokens(tokens, special, out _);

    /// <summary>A new tokenizer whose pad token is <paramref name="token"/>, which must exist; written as <c>pad_token</c> by <see cref="Save"/>.</summary>
    public HfTokenizer WithPadToken(string token)
    {
        if (TokenToId(token) is null)
            throw new TokenizerException($"pad token \"{token}\" is not a token of {_parts.Source}");
        return new HfTokenizer(_parts with { PadToken = token });
    }

    /// <summary>
    /// Writes tokenizer.json and tokenizer_config.json into <paramref name="folder"/>: the original bytes plus the
    /// new added_tokens entries, or for a GGUF-loaded tokenizer files made from its vocabulary in transformers' layout.
    /// </summary>
    public void Save(string folder) => TokenizerFileWriter.Save(_parts, folder);

    private static string Escape(string text)
    {
        var sb = new StringBuilder();
        foreach (var c in text)
            sb.Append(c < ' ' ? $"\\u{(int)c:x4}" : c.ToString());
        return sb.ToString();
    }
}
