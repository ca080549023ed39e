using System.Text.Json;
using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Publishing;

/// <summary>
/// <c>.finetune-published.json</c> in a folder the tool published: what made it (the stage and its key,
/// the upstream keys it came from) and every file the tool wrote there. A later publish may replace such a
/// folder only while it holds no file outside <see cref="Files"/>.
/// </summary>
public sealed record PublishMarker(string Stage, string Key, IReadOnlyDictionary<string, string> Sources, IReadOnlyList<string> Files)
{
    public const string FileName = ".finetune-published.json";

    public const string Tool = "dotnet-finetune";

    public PublishMarker WithFiles(IReadOnlyList<string> files) => this with { Files = files };

    public string ToJson()
    {
        var sources = new JsonObject();
        foreach (var (stage, key) in Sources.OrderBy(s => s.Key, StringComparer.Ordinal)) sources[stage] = key;
        var json = new JsonObject
        {
            ["tool"] = Tool,
            ["stage"] = Stage,
            ["key"] = Key,
            ["sources"] = sources,
            ["files"] = new JsonArray(Files.Select(f => (JsonNode)f).ToArray()),
        };
        return json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>The marker in <paramref name="folder"/>, or null when there is none or it is not ours.</summary>
    public static PublishMarker? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))?.AsObject();
            if (json is null || (string?)json["tool"] != Tool) return null;
            var sources = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (stage, key) in json["sources"]?.AsObject() ?? []) sources[stage] = (string)key!;
            return new PublishMarker(
                (string)json["stage"]!,
                (string)json["key"]!,
                sources,
                json["files"]!.AsArray().Select(f => (string)f!).ToList());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            return null;
        }
    }
}
