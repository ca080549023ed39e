using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Store;

/// <summary>
/// Everything a stage's output depends on: its name and version, its recipe parameters after defaults,
/// the keys of its upstream stages, and content hashes of the external files it reads (by role label,
/// not by path, so moving a checkout keeps keys). The stage key is SHA-256 of the canonical JSON.
/// </summary>
public sealed record StageInputs(
    string Stage,
    int Version,
    JsonObject Params,
    IReadOnlyDictionary<string, string> Upstream,
    IReadOnlyDictionary<string, string> Files)
{
    public JsonObject ToJson() => new()
    {
        ["stage"] = Stage,
        ["version"] = Version,
        ["params"] = Params.DeepClone(),
        ["upstream"] = ToObject(Upstream),
        ["files"] = ToObject(Files),
    };

    public string CanonicalText() => CanonicalJson.Write(ToJson());

    public string Key() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalText())));

    public static StageInputs FromJson(JsonObject json) => new(
        (string)json["stage"]!,
        (int)json["version"]!,
        json["params"]?.DeepClone().AsObject() ?? [],
        ToDictionary(json["upstream"]?.AsObject()),
        ToDictionary(json["files"]?.AsObject()));

    private static JsonObject ToObject(IReadOnlyDictionary<string, string> map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal)) obj[k] = v;
        return obj;
    }

    private static SortedDictionary<string, string> ToDictionary(JsonObject? obj)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (obj != null)
            foreach (var (k, v) in obj) map[k] = (string)v!;
        return map;
    }
}
