using System.Text.Json.Nodes;
using Finetune.Recipes;

namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// The seed stage's probe (<c>probe.json</c>): the next-token probability of every added token and of the
/// copied reference token, before and after seeding, at two positions of the chat-templated
/// <c>seed.probe</c> prompt. The shape CI scripts read:
/// <c>{"prompt": "...", "positions": [{"name": "after_user_turn", "probabilities": {"&lt;think&gt;": {"before": p,
/// "after": p}, ...}}, {"name": "after_generation_prompt", ...}]}</c>, plus <c>strategy</c>, <c>tied</c> and
/// <c>reference</c> and <c>rows</c> (how each new row was seeded).
/// </summary>
public sealed record SeedProbe(
    string Prompt, string Strategy, bool Tied, string? Reference, int? ReferenceId,
    IReadOnlyList<SeedProbe.Row> Rows, IReadOnlyList<SeedProbe.Position> Positions)
{
    /// <summary>One seeded row: the token, its id, how it was seeded and from which old ids.</summary>
    public sealed record Row(string Token, int Id, string Method, IReadOnlyList<int> SourceIds);

    /// <summary>One prompt end and the probabilities there, in the order written (new tokens, then the reference).</summary>
    public sealed record Position(string Name, IReadOnlyList<(string Token, double Before, double After)> Probabilities);

    /// <summary>The position names, in file order: the original's first.</summary>
    public static readonly IReadOnlyList<PromptPlacement> Placements = [PromptPlacement.AfterUserTurn, PromptPlacement.AfterGenerationPrompt];

    public static string Name(PromptPlacement placement) =>
        placement == PromptPlacement.AfterUserTurn ? "after_user_turn" : "after_generation_prompt";

    /// <summary>
    /// What copy seeding on a tied model must give: the reference token and its n copies share one logit,
    /// so each gets p / (1 + n p), where p is P(reference) before seeding (the original: p = 0.99997, n = 4:
    /// 0.1999988; it measured 0.199994). Exact when the new rows carried no probability before seeding; their
    /// share then is the only difference.
    /// </summary>
    public static double ExpectedCopyProbability(double p, int copies) => p / (1 + copies * p);

    /// <summary>
    /// The expected "after" of the reference token and of the rows copied from it, for copy seeding on a
    /// tied model; empty when the head is untied or nothing was copied from the reference.
    /// </summary>
    public IReadOnlyDictionary<string, double> Expected(Position position)
    {
        var expected = new Dictionary<string, double>(StringComparer.Ordinal);
        var copies = Rows.Where(r => r.Method == "Copy" && r.SourceIds.Count == 1 && r.SourceIds[0] == ReferenceId).ToList();
        if (!Tied || Reference is null || copies.Count == 0) return expected;
        var p = position.Probabilities.FirstOrDefault(t => t.Token == Reference);
        if (p.Token is null) return expected;
        double value = ExpectedCopyProbability(p.Before, copies.Count);
        expected[Reference] = value;
        foreach (var row in copies) expected[row.Token] = value;
        return expected;
    }

    /// <summary>probe.json's JSON.</summary>
    public JsonObject ToJson() => new()
    {
        ["prompt"] = Prompt,
        ["positions"] = new JsonArray(Positions.Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name,
            ["probabilities"] = new JsonObject(p.Probabilities.Select(t =>
                KeyValuePair.Create(t.Token, (JsonNode?)new JsonObject { ["before"] = t.Before, ["after"] = t.After }))),
        }).ToArray()),
        ["strategy"] = Strategy,
        ["tied"] = Tied,
        ["reference"] = Reference is null ? null : new JsonObject { ["token"] = Reference, ["id"] = ReferenceId },
        ["rows"] = new JsonArray(Rows.Select(r => (JsonNode)new JsonObject
        {
            ["token"] = r.Token, ["id"] = r.Id, ["method"] = r.Method,
            ["source_ids"] = new JsonArray(r.SourceIds.Select(i => (JsonNode)i).ToArray()),
        }).ToArray()),
    };

    /// <summary>Reads probe.json; null when the recipe had no <c>seed.probe</c> (no positions were measured).</summary>
    public static SeedProbe? Read(string path)
    {
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        if (json["positions"] is not JsonArray positions || json["prompt"] is null) return null;
        var rows = json["rows"]!.AsArray().Select(r => new Row((string)r!["token"]!, (int)r["id"]!, (string)r["method"]!,
            r["source_ids"]!.AsArray().Select(i => (int)i!).ToList())).ToList();
        var reference = json["reference"] as JsonObject;
        return new SeedProbe((string)json["prompt"]!, (string?)json["strategy"] ?? "", (bool?)json["tied"] ?? false,
            (string?)reference?["token"], (int?)reference?["id"], rows,
            positions.Select(p => new Position((string)p!["name"]!, p["probabilities"]!.AsObject()
                .Select(kv => (kv.Key, (double)kv.Value!["before"]!, (double)kv.Value!["after"]!)).ToList())).ToList());
    }
}
