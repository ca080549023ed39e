using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Finetune.Pipeline.Data;

/// <summary>Opening dataset text files and parsing JSON objects the same way in every reader.</summary>
internal static class TextFiles
{
    /// <summary>UTF-8 that throws on invalid bytes instead of inventing U+FFFD characters.</summary>
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 256 };

    public static FileStream OpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DataException(path, null, $"cannot open: {e.Message}", e);
        }
    }

    /// <summary>Parses one JSON value that must be an object; problems become a <see cref="DataException"/>.</summary>
    public static JsonObject ParseObject(ReadOnlySpan<byte> utf8Json, string file, string location)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(utf8Json, documentOptions: JsonOptions);
        }
        catch (JsonException e)
        {
            throw new DataException(file, location, InvalidJson(e), e);
        }
        return node as JsonObject ?? throw new DataException(file, location, $"expected a JSON object, got {Describe(node)}");
    }

    /// <summary>
    /// <c>invalid JSON at byte 9: '}' is an invalid start of a property name. ...</c>: the parser's reason without
    /// its "Path: $ | LineNumber: 0 | BytePositionInLine: 8." tail, the position 1-based within its line.
    /// </summary>
    public static string InvalidJson(JsonException e)
    {
        var reason = Regex.Replace(e.Message, @"\s*(Path: .*)?\|?\s*LineNumber: .*$", "").Trim();
        var at = e.BytePositionInLine is { } b ? $" at byte {b + 1}" : "";
        return $"invalid JSON{at}: {reason}";
    }

    /// <summary>How a JSON value is named in messages: "an array", "a string", "null"...</summary>
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray => "an array",
        JsonObject => "an object",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            _ => "a boolean",
        },
    };
}
