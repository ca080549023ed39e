using System.Text.Json;
using System.Text.Json.Nodes;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>tokens:</c>: the extended tokenizer files, the new ids, probe encodings before/after and the token contract check.</summary>
public sealed class TokenizeStage(TokenizeInput input) : Stage<TokenizeInput>(input)
{
    public override string Name => "tokenize";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => [];

    /// <summary>The extended tokenizer's folder inside the stage output (tokenizer.json + tokenizer_config.json).</summary>
    public const string TokenizerFolder = "tokenizer";

    public const string ReportFile = "report.json";

    protected override void Run(TokenizeInput input, StageRun run)
    {
        var baseTokenizer = HfTokenizer.Load(input.ModelPath);
        var extended = baseTokenizer.WithAddedTokens(input.Add, input.Special, out var warnings);
        foreach (var w in warnings) run.Report($"warning: {w}");
        if (input.PadToken is { } pad) extended = extended.WithPadToken(pad);

        var contract = TokenContract.Check(baseTokenizer, extended, input.Add, input.SeedFrom);
        foreach (var (token, source) in input.SeedOverrides)
            TokenContract.SingleTokenId(baseTokenizer, source, $"seed.overrides[{token}]");
        var broken = contract.Tokens.FirstOrDefault(t => !t.Passed);
        if (broken != null)
            throw new PipelineException($"token contract: {broken.Token} does not encode as one token next to text (alone: [{string.Join(", ", broken.Alone)}], in \"a{broken.Token}b\": [{string.Join(", ", broken.InContext)}])");
        foreach (var t in contract.Tokens)
            foreach (var failure in t.RoundTripFailures) run.Report($"note: {failure}");

        extended.Save(Path.Combine(run.OutputDir, TokenizerFolder));
        var report = new JsonObject
        {
            ["base_vocab_size"] = baseTokenizer.VocabSize,
            ["vocab_size"] = extended.VocabSize,
            ["added"] = new JsonArray(input.Add.Select(t => (JsonNode)new JsonObject { ["token"] = t, ["id"] = extended.TokenToId(t) }).ToArray()),
            ["warnings"] = new JsonArray(warnings.Select(w => (JsonNode)w).ToArray()),
            ["pad_token"] = extended.PadToken,
            ["pad_id"] = extended.PadId,
            ["probes"] = new JsonArray(ProbeTexts(input).Select(text => (JsonNode)new JsonObject
            {
                ["text"] = text,
                ["before"] = Ids(baseTokenizer.Encode(text, addBos: true)),
                ["after"] = Ids(extended.Encode(text, addBos: true)),
            }).ToArray()),
            ["contract"] = JsonSerializer.SerializeToNode(contract, SnakeCase),
        };
        File.WriteAllText(Path.Combine(run.OutputDir, ReportFile), report.ToJsonString(Indented));
        run.Report($"{input.Add.Count} tokens added: vocab {baseTokenizer.VocabSize} -> {extended.VocabSize}");
    }

    /// <summary>The added tokens run together (the original's first visible result), each alone, and the seed probe.</summary>
    private static IEnumerable<string> ProbeTexts(TokenizeInput input)
    {
        if (input.Add.Count > 0) yield return string.Concat(input.Add);
        foreach (var t in input.Add) yield return t;
        if (input.Probe is { } probe) yield return probe;
    }

    private static JsonArray Ids(IReadOnlyList<int> ids) => new(ids.Select(i => (JsonNode)i).ToArray());
}
