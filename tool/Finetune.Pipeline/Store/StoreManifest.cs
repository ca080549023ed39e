using System.Text.Json.Nodes;

namespace Finetune.Pipeline.Store;


/// <summary>manifest.json of a store entry: what it was made from, what it holds, and how long it took.</summary>
public sealed record StoreManifest(
    string Stage,
    string Key,
    StageInputs Inputs,
    IReadOnlyList<StoreFile> Files,
    DateTimeOffset Created,
    double Seconds,
    string ToolVersion)
{
    public const string FileName = "manifest.json";

    public long TotalBytes => Files.Sum(f => f.Size);

    public JsonObject ToJson()
    {
        var files = new JsonArray();
        foreach (var f in Files) files.Add(new JsonObject { ["path"] = f.Path, ["size"] = f.Size, ["sha256"] = f.Sha256 });
        return new JsonObject
        {
            ["stage"] = Stage,
            ["key"] = Key,
            ["inputs"] = Inputs.ToJson(),
            ["files"] = files,
            ["created"] = Created.ToString("O"),
            ["seconds"] = Math.Round(Seconds, 3),
            ["tool_version"] = ToolVersion,
        };
    }

    public static StoreManifest FromJson(JsonObject json) => new(
        (string)json["stage"]!,
        (string)json["key"]!,
        StageInputs.FromJson(json["inputs"]!.AsObject()),
        json["files"]!.AsArray().Select(f => new StoreFile((string)f!["path"]!, (long)f["size"]!, (string)f["sha256"]!)).ToList(),
        DateTimeOffset.Parse((string)json["created"]!, System.Globalization.CultureInfo.InvariantCulture),
        (double)json["seconds"]!,
        (string)json["tool_version"]!);
}
