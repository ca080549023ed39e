using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Finetune.Text.Tokenizers;

/// <summary>Reads a Hugging Face tokenizer.json (+ tokenizer_config.json) into <see cref="TokenizerParts"/>.</summary>
internal static class TokenizerJsonLoader
{
    public static TokenizerParts Load(string path, string? configPath)
    {
        if (!File.Exists(path))
            throw new TokenizerException($"{path}: file not found");
        var bytes = File.ReadAllBytes(path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw new TokenizerException($"{path}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new TokenizerException($"{path}: the top level must be a JSON object");
            var config = configPath is null ? null : Structured(configPath, () => ReadConfig(configPath));
            return Structured(path, () => Build(path, root, bytes, config, configPath));
        }
    }

    /// <summary>
    /// Runs a reader over a parsed file: a value of the wrong kind, a missing property or invalid UTF-8 inside
    /// a string (System.Text.Json's own exceptions while reading the document) is the file's fault, one line.
    /// </summary>
    private static T Structured<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException or FormatException or IndexOutOfRangeException
                                  && e.TargetSite?.DeclaringType?.Namespace?.StartsWith("System.Text.Json", StringComparison.Ordinal) == true)
        {
            throw new TokenizerException($"{path}: a field is missing or has the wrong type ({e.Message})");
        }
    }

    private static TokenizerParts Build(string path, JsonElement root, byte[] bytes, ConfigInfo? config, string? configPath)
    {
        var model = Property(root, "model", path, JsonValueKind.Object);
        var type = model.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (type != "BPE")
            throw new TokenizerException($"{path}: unknown tokenizer model type '{type ?? "(none)"}' (supported: BPE)");
        CheckBpeOptions(model, path);
        var added = ReadAddedTokens(root, path);
        var normalizer = ReadNormalizer(root.TryGetProperty("normalizer", out var n) ? n : default, path);
        var preTokenizer = ReadPreTokenizer(root.TryGetProperty("pre_tokenizer", out var p) ? p : default, path, out var byteLevel);
        var (tokens, ids) = ReadVocab(model, path);
        var merges = ReadMerges(model, path);
        var ignoreMerges = Flag(model, "ignore_merges");
        ITokenModel tokenModel;
        if (byteLevel)
        {
            var tiktokenExact = ignoreMerges && ByteLevelBpeModel.MergesFollowRanks(merges, ids, path);
            tokenModel = new ByteLevelBpeModel(tokens, ids, preTokenizer, tiktokenExact ? null : merges, ignoreMerges, path);
        }
        else
        {
            var unk = model.TryGetProperty("unk_token", out var u) && u.ValueKind == JsonValueKind.String ? u.GetString() : null;
            tokenModel = new MergeBpeModel(
                tokens,
                MergeBpeModel.MergesFromRanks(merges, s => ids.TryGetValue(s, out var id) ? id : null, path),
                byteFallback: Flag(model, "byte_fallback"),
                unkId: unk is not null && ids.TryGetValue(unk, out var unkId) ? unkId : null,
                fuseUnk: Flag(model, "fuse_unk"),
                ignoreMerges: ignoreMerges,
                preTokenizer: preTokenizer);
        }
        var (prefix, suffix) = ReadPostProcessor(root.TryGetProperty("post_processor", out var pp) ? pp : default, path);
        return new TokenizerParts
        {
            Source = path,
            Model = tokenModel,
            Normalizer = normalizer,
            Decoder = ReadDecoder(root.TryGetProperty("decoder", out var d) ? d : default, path),
            AddedTokens = added,
            Prefix = prefix,
            Suffix = suffix,
            BosToken = config?.Bos ?? (prefix.Count > 0 ? added.FirstOrDefault(a => a.Id == prefix[0])?.Content : null),
            EosToken = config?.Eos,
            PadToken = config?.Pad,
            ChatTemplate = config?.ChatTemplate,
            AddUnnormalized = normalizer.Prepends,
            TokenizerJson = bytes,
            ConfigJson = configPath is null ? null : File.ReadAllText(configPath),
        };
    }

    private static JsonElement Property(JsonElement obj, string name, string path, JsonValueKind kind)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind != kind)
            throw new TokenizerException($"{path}: \"{name}\" is missing or not a JSON {kind.ToString().ToLowerInvariant()}");
        return value;
    }

    private static List<AddedTokenInfo> ReadAddedTokens(JsonElement root, string path)
    {
        var list = new List<AddedTokenInfo>();
        if (!root.TryGetProperty("added_tokens", out var array) || array.ValueKind == JsonValueKind.Null)
            return list;
        if (array.ValueKind != JsonValueKind.Array)
            throw new TokenizerException($"{path}: \"added_tokens\" must be an array");
        foreach (var e in array.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("id", out var id) || !id.TryGetInt32(out var idValue)
                || !e.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
                throw new TokenizerException($"{path}: added_tokens entry {list.Count} needs an integer \"id\" and a string \"content\"");
            list.Add(new AddedTokenInfo(idValue, content.GetString()!, Flag(e, "single_word"), Flag(e, "lstrip"), Flag(e, "rstrip"), Flag(e, "normalized"), Flag(e, "special")));
        }
        return list;
    }

    private static bool Flag(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.True;

    /// <summary>BPE options this implementation does not follow are refused by name rather than ignored.</summary>
    private static void CheckBpeOptions(JsonElement model, string path)
    {
        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
            throw new TokenizerException($"{path}: BPE model with dropout {dropout.GetRawText()} is not supported (encoding would be random)");
        foreach (var name in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
            if (model.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Length > 0)
                throw new TokenizerException($"{path}: BPE model option {name} \"{v.GetString()}\" is not supported");
    }

    internal static TextNormalizer ReadNormalizer(JsonElement e, string path)
    {
        var steps = new List<TextNormalizer.Step>();
        AddNormalizer(e, steps, path);
        return steps.Count == 0 ? TextNormalizer.None : new TextNormalizer(steps);
    }

    private static void AddNormalizer(JsonElement e, List<TextNormalizer.Step> steps, string path)
    {
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return;
        switch (TypeOf(e, "normalizer", path))
        {
            case "Sequence":
                foreach (var inner in Property(e, "normalizers", path, JsonValueKind.Array).EnumerateArray())
                    AddNormalizer(inner, steps, path);
                break;
            case "NFC":
                steps.Add(new TextNormalizer.UnicodeStep(NormalizationForm.FormC));
                break;
            case "NFD":
                steps.Add(new TextNormalizer.UnicodeStep(NormalizationForm.FormD));
                break;
            case "NFKC":
                steps.Add(new TextNormalizer.UnicodeStep(NormalizationForm.FormKC));
                break;
            case "NFKD":
                steps.Add(new TextNormalizer.UnicodeStep(NormalizationForm.FormKD));
                break;
            case "Lowercase":
                steps.Add(new TextNormalizer.LowercaseStep());
                break;
            case "Prepend":
                steps.Add(new TextNormalizer.PrependStep(Property(e, "prepend", path, JsonValueKind.String).GetString()!));
                break;
            case "Replace":
                var (literal, regex) = ReadPattern(e, path, "normalizer Replace");
                steps.Add(new TextNormalizer.ReplaceStep(literal, regex, Property(e, "content", path, JsonValueKind.String).GetString()!));
                break;
            case "Strip":
                steps.Add(new TextNormalizer.StripStep(Flag(e, "strip_left"), Flag(e, "strip_right")));
                break;
            case "StripAccents":
                steps.Add(new TextNormalizer.StripAccentsStep());
                break;
            case var other:
                throw new TokenizerException($"{path}: normalizer '{other}' is not supported (supported: Sequence, NFC, NFD, NFKC, NFKD, Lowercase, Prepend, Replace, Strip, StripAccents)");
        }
    }

    /// <summary>A tokenizers <c>pattern</c>: {"String": s} (taken literally) or {"Regex": r}.</summary>
    private static (string? Literal, CodePointRegex? Regex) ReadPattern(JsonElement e, string path, string component)
    {
        var pattern = Property(e, "pattern", path, JsonValueKind.Object);
        if (pattern.TryGetProperty("String", out var s) && s.ValueKind == JsonValueKind.String)
            return (s.GetString()!, null);
        if (pattern.TryGetProperty("Regex", out var r) && r.ValueKind == JsonValueKind.String)
            return (null, new CodePointRegex(r.GetString()!, $"{path}: {component}"));
        throw new TokenizerException($"{path}: {component} pattern must be {{\"String\": ...}} or {{\"Regex\": ...}}");
    }

    private static string StringPattern(JsonElement e, string path, string component)
    {
        var (literal, regex) = ReadPattern(e, path, component);
        return literal ?? throw new TokenizerException($"{path}: {component} with a Regex pattern is not supported (only String)");
    }

    private static string TypeOf(JsonElement e, string what, string path) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw new TokenizerException($"{path}: a {what} has no \"type\"");

    /// <summary>The pre-tokenizer's steps; <paramref name="byteLevel"/> when it ends with ByteLevel (a byte-level vocab).</summary>
    internal static PreTokenizer ReadPreTokenizer(JsonElement e, string path, out bool byteLevel)
    {
        var steps = new List<PreTokenizer.Step>();
        AddPreTokenizer(e, steps, path);
        var at = steps.FindIndex(s => s is PreTokenizer.ByteLevelStep);
        if (at >= 0 && at != steps.Count - 1)
            throw new TokenizerException($"{path}: pre_tokenizer steps after ByteLevel are not supported (ByteLevel must come last)");
        byteLevel = at >= 0;
        return new PreTokenizer(steps);
    }

    private static void AddPreTokenizer(JsonElement e, List<PreTokenizer.Step> steps, string path)
    {
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return;
        switch (TypeOf(e, "pre_tokenizer", path))
        {
            case "Sequence":
                foreach (var inner in Property(e, "pretokenizers", path, JsonValueKind.Array).EnumerateArray())
                    AddPreTokenizer(inner, steps, path);
                break;
            case "Split":
                var (literal, regex) = ReadPattern(e, path, "pre_tokenizer Split");
                regex ??= new CodePointRegex(Regex.Escape(literal!), $"{path}: pre_tokenizer Split");
                steps.Add(new PreTokenizer.SplitStep(regex, ReadBehavior(e, path, "Split"), Flag(e, "invert")));
                break;
            case "ByteLevel":
                var useRegex = !e.TryGetProperty("use_regex", out var ur) || ur.ValueKind != JsonValueKind.False;
                var prefix = !e.TryGetProperty("add_prefix_space", out var aps) || aps.ValueKind != JsonValueKind.False;
                steps.Add(new PreTokenizer.ByteLevelStep(prefix, useRegex ? new CodePointRegex(ByteLevelBpeModel.Gpt2Pattern, $"{path}: pre_tokenizer ByteLevel") : null));
                break;
            case "Metaspace":
                steps.Add(ReadMetaspace(e, path));
                break;
            case "Digits":
                steps.Add(new PreTokenizer.CharSplitStep(PreTokenizer.IsNumeric,
                    Flag(e, "individual_digits") ? PreTokenizer.Behavior.Isolated : PreTokenizer.Behavior.Contiguous));
                break;
            case "Punctuation":
                steps.Add(new PreTokenizer.CharSplitStep(PreTokenizer.IsPunctuation,
                    e.TryGetProperty("behavior", out _) ? ReadBehavior(e, path, "Punctuation") : PreTokenizer.Behavior.Isolated));
                break;
            case "WhitespaceSplit":
                steps.Add(new PreTokenizer.CharSplitStep(PreTokenizer.IsWhitespace, PreTokenizer.Behavior.Removed));
                break;
            case "Whitespace":
                steps.Add(new PreTokenizer.SplitStep(new CodePointRegex(@"\w+|[^\w\s]+", $"{path}: pre_tokenizer Whitespace"), PreTokenizer.Behavior.Removed, Invert: true));
                break;
            case "BertPreTokenizer":
                steps.Add(new PreTokenizer.CharSplitStep(PreTokenizer.IsWhitespace, PreTokenizer.Behavior.Removed));
                steps.Add(new PreTokenizer.CharSplitStep(PreTokenizer.IsPunctuation, PreTokenizer.Behavior.Isolated));
                break;
            case "CharDelimiterSplit":
                var delimiter = Property(e, "delimiter", path, JsonValueKind.String).GetString()!;
                if (delimiter.EnumerateRunes().Count() != 1)
                    throw new TokenizerException($"{path}: pre_tokenizer CharDelimiterSplit delimiter \"{delimiter}\" must be one character");
                var cp = char.ConvertToUtf32(delimiter, 0);
                steps.Add(new PreTokenizer.CharSplitStep(c => c == cp, PreTokenizer.Behavior.Removed));
                break;
            case var other:
                throw new TokenizerException($"{path}: pre_tokenizer '{other}' is not supported (supported: Sequence, Split, ByteLevel, Metaspace, Digits, Punctuation, WhitespaceSplit, Whitespace, BertPreTokenizer, CharDelimiterSplit)");
        }
    }

    private static PreTokenizer.MetaspaceStep ReadMetaspace(JsonElement e, string path)
    {
        var replacement = Property(e, "replacement", path, JsonValueKind.String).GetString()!;
        if (replacement.Length != 1)
            throw new TokenizerException($"{path}: Metaspace replacement \"{replacement}\" must be one UTF-16 character");
        var scheme = !e.TryGetProperty("prepend_scheme", out var ps) || ps.ValueKind != JsonValueKind.String ? PreTokenizer.PrependScheme.Always
            : ps.GetString() switch
            {
                "always" => PreTokenizer.PrependScheme.Always,
                "first" => PreTokenizer.PrependScheme.First,
                "never" => PreTokenizer.PrependScheme.Never,
                var other => throw new TokenizerException($"{path}: Metaspace prepend_scheme '{other}' is not one of always, first, never"),
            };
        if (e.TryGetProperty("add_prefix_space", out var aps) && aps.ValueKind == JsonValueKind.False)
            scheme = PreTokenizer.PrependScheme.Never;
        var split = !e.TryGetProperty("split", out var sp) || sp.ValueKind != JsonValueKind.False;
        return new PreTokenizer.MetaspaceStep(replacement[0], scheme, split);
    }

    private static PreTokenizer.Behavior ReadBehavior(JsonElement e, string path, string component) =>
        Property(e, "behavior", path, JsonValueKind.String).GetString() switch
        {
            "Removed" => PreTokenizer.Behavior.Removed,
            "Isolated" => PreTokenizer.Behavior.Isolated,
            "MergedWithPrevious" => PreTokenizer.Behavior.MergedWithPrevious,
            "MergedWithNext" => PreTokenizer.Behavior.MergedWithNext,
            "Contiguous" => PreTokenizer.Behavior.Contiguous,
            var other => throw new TokenizerException($"{path}: pre_tokenizer {component} behavior '{other}' is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous"),
        };

    private static (string[] Tokens, Dictionary<string, int> Ids) ReadVocab(JsonElement model, string path)
    {
        var vocab = Property(model, "vocab", path, JsonValueKind.Object);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var max = -1;
        foreach (var entry in vocab.EnumerateObject())
        {
            if (!entry.Value.TryGetInt32(out var id) || id < 0)
                throw new TokenizerException($"{path}: vocab entry \"{entry.Name}\" has no valid id");
            ids[entry.Name] = id;
            max = Math.Max(max, id);
        }
        var tokens = new string[max + 1];
        foreach (var (token, id) in ids)
            tokens[id] = token;
        var gap = Array.IndexOf(tokens, null);
        if (gap >= 0)
            throw new TokenizerException($"{path}: the vocab has no token with id {gap} (ids must be 0..{max} without gaps)");
        return (tokens, ids);
    }

    private static List<(string, string)> ReadMerges(JsonElement model, string path)
    {
        var merges = new List<(string, string)>();
        if (!model.TryGetProperty("merges", out var array))
            return merges;
        if (array.ValueKind != JsonValueKind.Array)
            throw new TokenizerException($"{path}: model \"merges\" must be an array");
        foreach (var m in array.EnumerateArray())
        {
            if (m.ValueKind == JsonValueKind.String)
            {
                var s = m.GetString()!;
                var space = s.IndexOf(' ', 1);
                if (space < 0)
                    throw new TokenizerException($"{path}: merge {merges.Count} \"{s}\" is not two tokens separated by a space");
                merges.Add((s[..space], s[(space + 1)..]));
            }
            else if (m.ValueKind == JsonValueKind.Array && m.GetArrayLength() == 2)
                merges.Add((m[0].GetString()!, m[1].GetString()!));
            else
                throw new TokenizerException($"{path}: merge {merges.Count} is neither \"a b\" nor [\"a\", \"b\"]");
        }
        return merges;
    }

    private static (IReadOnlyList<int>, IReadOnlyList<int>) ReadPostProcessor(JsonElement e, string path)
    {
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return ([], []);
        switch (TypeOf(e, "post_processor", path))
        {
            case "Sequence":
                (IReadOnlyList<int>, IReadOnlyList<int>) found = ([], []);
                foreach (var inner in Property(e, "processors", path, JsonValueKind.Array).EnumerateArray())
                    if (TypeOf(inner, "post_processor", path) != "ByteLevel")
                        found = ReadPostProcessor(inner, path);
                return found;
            case "ByteLevel":
                return ([], []);
            case "RobertaProcessing" or "BertProcessing":
                int IdOf(string name) =>
                    e.TryGetProperty(name, out var pair) && pair.ValueKind == JsonValueKind.Array && pair.GetArrayLength() == 2 && pair[1].TryGetInt32(out var id)
                        ? id : throw new TokenizerException($"{path}: post_processor {name} must be [token, id]");
                return ([IdOf("cls")], [IdOf("sep")]);
            case "TemplateProcessing":
                var specials = Property(e, "special_tokens", path, JsonValueKind.Object);
                var prefix = new List<int>();
                var suffix = new List<int>();
                var seenSequence = false;
                foreach (var piece in Property(e, "single", path, JsonValueKind.Array).EnumerateArray())
                {
                    if (piece.TryGetProperty("Sequence", out _))
                    {
                        seenSequence = true;
                        continue;
                    }
                    var name = piece.GetProperty("SpecialToken").GetProperty("id").GetString()!;
                    if (!specials.TryGetProperty(name, out var special))
                        throw new TokenizerException($"{path}: post_processor uses special token '{name}' missing from its special_tokens");
                    (seenSequence ? suffix : prefix).AddRange(special.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()));
                }
                return (prefix, suffix);
            case var other:
                throw new TokenizerException($"{path}: post_processor '{other}' is not supported (supported: TemplateProcessing, ByteLevel, RobertaProcessing, BertProcessing, Sequence)");
        }
    }

    private static TokenDecoder ReadDecoder(JsonElement e, string path)
    {
        var steps = new List<TokenDecoder.Step>();
        AddDecoder(e, steps, path);
        return new TokenDecoder(steps);
    }

    private static void AddDecoder(JsonElement e, List<TokenDecoder.Step> steps, string path)
    {
        if (e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
            return;
        switch (TypeOf(e, "decoder", path))
        {
            case "Sequence":
                foreach (var inner in Property(e, "decoders", path, JsonValueKind.Array).EnumerateArray())
                    AddDecoder(inner, steps, path);
                break;
            case "ByteLevel":
                steps.Add(new TokenDecoder.ByteLevelStep());
                break;
            case "Replace":
                steps.Add(new TokenDecoder.ReplaceStep(StringPattern(e, path, "decoder Replace"), Property(e, "content", path, JsonValueKind.String).GetString()!));
                break;
            case "ByteFallback":
                steps.Add(new TokenDecoder.ByteFallbackStep());
                break;
            case "Fuse":
                steps.Add(new TokenDecoder.FuseStep());
                break;
            case "Strip":
                var content = Property(e, "content", path, JsonValueKind.String).GetString()!;
                steps.Add(new TokenDecoder.StripStep(content[0], e.GetProperty("start").GetInt32(), e.GetProperty("stop").GetInt32()));
                break;
            case "Metaspace":
                var meta = ReadMetaspace(e, path);
                steps.Add(new TokenDecoder.MetaspaceStep(meta.Replacement, meta.Scheme != PreTokenizer.PrependScheme.Never));
                break;
            case "BPEDecoder":
                var suffix = e.TryGetProperty("suffix", out var sfx) && sfx.ValueKind == JsonValueKind.String ? sfx.GetString()! : "</w>";
                steps.Add(new TokenDecoder.SuffixStep(suffix));
                break;
            case var other:
                throw new TokenizerException($"{path}: decoder '{other}' is not supported (supported: ByteLevel, Replace, ByteFallback, Fuse, Strip, Metaspace, BPEDecoder, Sequence)");
        }
    }

    /// <summary>The <c>eos_token_id</c> of a generation_config.json: one integer or a list of them.</summary>
    public static IReadOnlyList<int> ReadGenerationEosIds(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("eos_token_id", out var eos))
                return [];
            return eos.ValueKind switch
            {
                JsonValueKind.Number => [eos.GetInt32()],
                JsonValueKind.Array => eos.EnumerateArray().Select(e => e.GetInt32()).ToList(),
                _ => [],
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new TokenizerException($"{path}: eos_token_id must be an integer or a list of integers ({e.Message})");
        }
    }

    private sealed record ConfigInfo(string? Bos, string? Eos, string? Pad, string? ChatTemplate);

    private static ConfigInfo ReadConfig(string configPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
            var root = doc.RootElement;
            return new ConfigInfo(TokenText(root, "bos_token"), TokenText(root, "eos_token"), TokenText(root, "pad_token"), ChatTemplateOf(root));
        }
        catch (JsonException e)
        {
            throw new TokenizerException($"{configPath}: not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
    }

    private static string? TokenText(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var v) ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : v.ValueKind == JsonValueKind.Object && v.TryGetProperty("content", out var c) ? c.GetString()
        : null;

    private static string? ChatTemplateOf(JsonElement root)
    {
        if (!root.TryGetProperty("chat_template", out var v))
            return null;
        if (v.ValueKind == JsonValueKind.String)
            return v.GetString();
        if (v.ValueKind == JsonValueKind.Array)
            foreach (var named in v.EnumerateArray())
                if (named.TryGetProperty("name", out var name) && name.GetString() == "default")
                    return named.GetProperty("template").GetString();
        return null;
    }
}
