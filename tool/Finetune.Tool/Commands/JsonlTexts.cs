using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Tool.Commands;

/// <summary>The <c>{"text": ...}</c> lines of a JSONL input file; blank lines are skipped, anything else wrong names file and line.</summary>
public static class JsonlTexts
{
    public static IEnumerable<string> Read(string path)
    {
        if (!File.Exists(path)) throw new UserInputException($"{path}: file not found");
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            yield return Parse(line, path, number);
        }
    }

    private static string Parse(string line, string path, int number)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
        }
        catch (JsonException e)
        {
            throw new UserInputException($"{path}:{number}: not valid JSON ({FirstSentence(e.Message)})");
        }
        if (node is not JsonObject obj) throw new UserInputException($"{path}:{number}: expected a JSON object with a \"text\" string");
        if (obj["text"] is JsonValue value && value.TryGetValue<string>(out var text)) return text;
        throw new UserInputException(obj.ContainsKey("text")
            ? $"{path}:{number}: \"text\" must be a string"
            : $"{path}:{number}: no \"text\" key");
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.', ' ');
    }
}
