using System.Text;
using System.Text.Json;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// The files transformers' <c>save_pretrained</c> writes beside tokenizer.json when the tokenizer class has a slow
/// (Python) twin it can save: for byte-level BPE classes (Qwen2, GPT-2) the Rust model's <c>vocab.json</c> (compact,
/// in id order) and <c>merges.txt</c> (<c>#version: 0.2</c>, one pair a line), for SentencePiece classes (Llama,
/// CodeLlama) the base folder's <c>tokenizer.model</c> when it has one; in both cases <c>added_tokens.json</c>
/// (every added token, <c>json.dumps(indent=2, sort_keys=True, ensure_ascii=False)</c>). Classes without a slow
/// twin (PreTrainedTokenizerFast: Llama 3, Mistral Nemo) get none.
/// </summary>
public static class SlowTokenizerFiles
{
    private static readonly HashSet<string> ByteLevelClasses = new(StringComparer.Ordinal)
        { "Qwen2Tokenizer", "Qwen2TokenizerFast", "GPT2Tokenizer", "GPT2TokenizerFast" };

    private static readonly HashSet<string> SentencePieceClasses = new(StringComparer.Ordinal)
        { "LlamaTokenizer", "LlamaTokenizerFast", "CodeLlamaTokenizer", "CodeLlamaTokenizerFast" };

    /// <summary>Writes the slow files for the tokenizer saved in <paramref name="folder"/>; returns their names.</summary>
    /// <param name="baseFolder">The base model folder (its tokenizer.model is copied for SentencePiece classes); null for GGUF.</param>
    public static IReadOnlyList<string> Write(string folder, string? baseFolder)
    {
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (!File.Exists(configPath))
            return [];
        using var config = JsonDocument.Parse(File.ReadAllBytes(configPath));
        var tokenizerClass = config.RootElement.TryGetProperty("tokenizer_class", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
        using var tokenizer = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(folder, "tokenizer.json")));
        var written = new List<string>();
        if (ByteLevelClasses.Contains(tokenizerClass))
        {
            var model = tokenizer.RootElement.GetProperty("model");
            File.WriteAllText(Path.Combine(folder, "vocab.json"), VocabJson(model.GetProperty("vocab")), Utf8);
            File.WriteAllText(Path.Combine(folder, "merges.txt"), MergesText(model.GetProperty("merges")), Utf8);
            written.AddRange(["vocab.json", "merges.txt"]);
        }
        else if (SentencePieceClasses.Contains(tokenizerClass) && baseFolder is not null && File.Exists(Path.Combine(baseFolder, "tokenizer.model")))
        {
            File.Copy(Path.Combine(baseFolder, "tokenizer.model"), Path.Combine(folder, "tokenizer.model"));
            written.Add("tokenizer.model");
        }
        else
            return [];
        if (AddedTokensJson(tokenizer.RootElement) is { } added)
        {
            File.WriteAllText(Path.Combine(folder, "added_tokens.json"), added, Utf8);
            written.Add("added_tokens.json");
        }
        return written;
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>serde_json of the vocab in id order, as the Rust BPE model's <c>save</c> writes it.</summary>
    private static string VocabJson(JsonElement vocab)
    {
        var sb = new StringBuilder("{");
        foreach (var (token, id) in vocab.EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())).OrderBy(p => p.Item2))
        {
            if (sb.Length > 1) sb.Append(',');
            AppendString(sb, token);
            sb.Append(':').Append(id);
        }
        return sb.Append('}').ToString();
    }

    private static string MergesText(JsonElement merges)
    {
        var sb = new StringBuilder("#version: 0.2\n");
        foreach (var m in merges.EnumerateArray())
            sb.Append(m.ValueKind == JsonValueKind.String ? m.GetString() : $"{m[0].GetString()} {m[1].GetString()}").Append('\n');
        return sb.ToString();
    }

    /// <summary>transformers' <c>get_added_vocab()</c> as <c>json.dumps(indent=2, sort_keys=True, ensure_ascii=False) + "\n"</c>.</summary>
    private static string? AddedTokensJson(JsonElement root)
    {
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind != JsonValueKind.Array || added.GetArrayLength() == 0)
            return null;
        var entries = added.EnumerateArray()
            .Select(e => (Content: e.GetProperty("content").GetString()!, Id: e.GetProperty("id").GetInt32()))
            .GroupBy(e => e.Content, StringComparer.Ordinal).Select(g => g.Last())
            .OrderBy(e => e.Content, CodePointComparer.Instance).ToList();
        var sb = new StringBuilder("{\n");
        for (var i = 0; i < entries.Count; i++)
        {
            sb.Append("  ");
            AppendString(sb, entries[i].Content);
            sb.Append(": ").Append(entries[i].Id).Append(i + 1 < entries.Count ? ",\n" : "\n");
        }
        return sb.Append("}\n").ToString();
    }

    /// <summary>A JSON string as serde_json and Python's json (ensure_ascii=False) write it: only quotes, backslashes and controls escaped.</summary>
    private static void AppendString(StringBuilder sb, string text)
    {
        sb.Append('"');
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case < ' ': sb.Append("\\u").Append(((int)ch).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)); break;
                default: sb.Append(ch); break;
            }
        }
        sb.Append('"');
    }

    /// <summary>Python's str ordering: by code point (UTF-16 ordinal order differs above U+D7FF).</summary>
    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            var a = x!.EnumerateRunes().GetEnumerator();
            var b = y!.EnumerateRunes().GetEnumerator();
            while (true)
            {
                var hasA = a.MoveNext();
                var hasB = b.MoveNext();
                if (!hasA || !hasB)
                    return hasA.CompareTo(hasB);
                var d = a.Current.Value.CompareTo(b.Current.Value);
                if (d != 0)
                    return d;
            }
        }
    }
}
