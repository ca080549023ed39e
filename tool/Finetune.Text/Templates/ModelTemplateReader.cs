using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Text.Templates;

/// <summary>
/// Finds a Hugging Face model folder's chat template as transformers does: <c>chat_template.jinja</c> if present,
/// else <c>tokenizer_config.json</c>'s <c>chat_template</c> (a string, or a list of named templates: "default").
/// Also reads the special tokens (<c>bos_token</c>, <c>eos_token</c>...) that apply_chat_template passes to the template.
/// </summary>
internal static class ModelTemplateReader
{
    private static readonly string[] SpecialTokenNames = ["bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token"];

    public static (string Source, string Name, Dictionary<string, string> SpecialTokens) Read(string modelPath)
    {
        if (modelPath.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase))
            throw new TemplateLoadException("read the chat template from GGUF metadata (tokenizer.chat_template) and pass it to ChatTemplate.Parse", modelPath);
        var folder = Directory.Exists(modelPath) ? modelPath : Path.GetDirectoryName(Path.GetFullPath(modelPath))!;
        var configPath = Directory.Exists(modelPath) ? Path.Combine(folder, "tokenizer_config.json") : modelPath;
        var config = File.Exists(configPath) ? ReadConfig(configPath) : null;
        var tokens = config == null ? new Dictionary<string, string>() : SpecialTokens(config);

        var jinjaPath = Path.Combine(folder, "chat_template.jinja");
        if (File.Exists(jinjaPath))
            return (File.ReadAllText(jinjaPath), "chat_template.jinja", tokens);
        if (config == null)
            throw new TemplateLoadException("no tokenizer_config.json or chat_template.jinja here", modelPath);

        var source = config["chat_template"] switch
        {
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonArray named => Named(named, configPath),
            _ => throw new TemplateLoadException("has no chat_template", configPath),
        };
        return (source, Path.GetFileName(configPath), tokens);
    }

    private static JsonObject ReadConfig(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new TemplateLoadException("is not a JSON object", path);
        }
        catch (JsonException e)
        {
            throw new TemplateLoadException($"is not valid JSON ({e.Message})", path);
        }
    }

    private static string Named(JsonArray templates, string path)
    {
        foreach (var entry in templates)
            if (entry?["name"]?.GetValue<string>() == "default" && entry["template"] is JsonValue t && t.TryGetValue<string>(out var s))
                return s;
        throw new TemplateLoadException("chat_template is a list without a \"default\" entry", path);
    }

    /// <summary>A special token is a string or an AddedToken object with "content".</summary>
    private static Dictionary<string, string> SpecialTokens(JsonObject config)
    {
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in SpecialTokenNames)
        {
            var node = config[name];
            var text = node is JsonObject o ? o["content"] : node;
            if (text is JsonValue v && v.TryGetValue<string>(out var s))
                tokens[name] = s;
        }
        return tokens;
    }
}
