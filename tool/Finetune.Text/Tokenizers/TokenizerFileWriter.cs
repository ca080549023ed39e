using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Text.Tokenizers;

/// <summary>
/// Saves tokenizer.json and tokenizer_config.json as transformers would after <c>add_tokens</c>: the original
/// tokenizer.json bytes with only the new <c>added_tokens</c> entries inserted (same layout and field order),
/// and the config with <c>added_tokens_decoder</c> (and <c>pad_token</c>) set, everything else kept. A
/// GGUF-loaded tokenizer has no such files: both are written from its vocabulary (<see cref="GgufTokenizerJson"/>).
/// </summary>
internal static class TokenizerFileWriter
{
    public static void Save(TokenizerParts parts, string folder)
    {
        Directory.CreateDirectory(folder);
        var utf8 = new UTF8Encoding(false);
        if (parts.TokenizerJson is not null)
            File.WriteAllBytes(Path.Combine(folder, "tokenizer.json"), WithNewEntries(parts.TokenizerJson, parts.NewTokens, parts.Source));
        else if (parts.Gguf is { } gguf)
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), GgufTokenizerJson.TokenizerJson(parts, gguf), utf8);
        else
            throw new TokenizerException($"{parts.Source}: this tokenizer has no tokenizer.json or GGUF vocabulary to save from");
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), Config(parts), utf8);
    }

    private static byte[] WithNewEntries(byte[] json, IReadOnlyList<AddedTokenInfo> tokens, string source)
    {
        if (tokens.Count == 0)
            return json;
        var (open, close) = FindAddedTokensArray(json, source);
        var inner = Encoding.UTF8.GetString(json, open + 1, close - open - 1);
        var lastEntry = inner.TrimEnd().Length;
        var pretty = inner.Contains('\n') || Array.IndexOf(json, (byte)'\n') >= 0;
        var entryIndent = pretty ? IndentOfFirstEntry(inner) ?? IndentBefore(json, open) + "  " : "";
        var fieldIndent = entryIndent + "  ";
        var sb = new StringBuilder();
        foreach (var token in tokens)
        {
            if (sb.Length > 0 || lastEntry > 0)
                sb.Append(',');
            if (pretty)
                sb.Append('\n').Append(entryIndent);
            sb.Append('{');
            var fields = new (string Name, string Value)[]
            {
                ("id", token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("content", HfJson.Quote(token.Content)),
                ("single_word", Bool(token.SingleWord)),
                ("lstrip", Bool(token.Lstrip)),
                ("rstrip", Bool(token.Rstrip)),
                ("normalized", Bool(token.Normalized)),
                ("special", Bool(token.Special)),
            };
            for (var i = 0; i < fields.Length; i++)
            {
                if (pretty)
                    sb.Append('\n').Append(fieldIndent);
                sb.Append('"').Append(fields[i].Name).Append(pretty ? "\": " : "\":").Append(fields[i].Value);
                if (i + 1 < fields.Length)
                    sb.Append(',');
            }
            if (pretty)
                sb.Append('\n').Append(entryIndent);
            sb.Append('}');
        }
        var tail = lastEntry > 0 ? inner[lastEntry..] : pretty ? "\n" + IndentBefore(json, open) : "";
        var head = Encoding.UTF8.GetByteCount(inner[..lastEntry]) + open + 1;
        return [.. json.AsSpan(0, head), .. Encoding.UTF8.GetBytes(sb.ToString() + tail), .. json.AsSpan(close)];
    }

    private static string Bool(bool value) => value ? "true" : "false";

    private static (int Open, int Close) FindAddedTokensArray(byte[] json, string source)
    {
        var reader = new Utf8JsonReader(json);
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("added_tokens"))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                    break;
                var open = (int)reader.TokenStartIndex;
                reader.Skip();
                return (open, (int)reader.TokenStartIndex);
            }
            if (reader.CurrentDepth == 1 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                reader.Skip();
        }
        throw new TokenizerException($"{source}: no top-level \"added_tokens\" array to add tokens to");
    }

    private static string? IndentOfFirstEntry(string inner)
    {
        var brace = inner.IndexOf('{');
        var newline = brace < 0 ? -1 : inner.LastIndexOf('\n', brace);
        return newline < 0 ? null : inner[(newline + 1)..brace];
    }

    private static string IndentBefore(byte[] json, int position)
    {
        var lineStart = Array.LastIndexOf(json, (byte)'\n', position) + 1;
        var end = lineStart;
        while (end < json.Length && json[end] == (byte)' ')
            end++;
        return new string(' ', end - lineStart);
    }

    private static string Config(TokenizerParts parts)
    {
        var config = parts.ConfigJson is not null ? JsonNode.Parse(parts.ConfigJson)!.AsObject()
            : parts.Gguf is { } gguf ? GgufTokenizerJson.Config(parts, gguf)
            : new JsonObject();
        var decoder = new JsonObject();
        foreach (var token in parts.AddedTokens.OrderBy(t => t.Id))
            decoder[token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["content"] = token.Content,
                ["lstrip"] = token.Lstrip,
                ["normalized"] = token.Normalized,
                ["rstrip"] = token.Rstrip,
                ["single_word"] = token.SingleWord,
                ["special"] = token.Special,
            };
        config["added_tokens_decoder"] = decoder;
        if (parts.PadToken is not null)
            config["pad_token"] = parts.PadToken;
        return HfJson.Format(config, sortKeys: true) + "\n";
    }
}
