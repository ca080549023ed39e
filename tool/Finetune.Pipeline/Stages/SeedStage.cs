using System.Text.Json.Nodes;
using Finetune.Recipes;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>seed:</c>: the new rows only (seed.safetensors) and probe.json with P(new token) before/after.</summary>
public sealed class SeedStage(SeedInput input) : Stage<SeedInput>(input)
{
    public override string Name => "seed";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize", "resize"];

    public const string ProbeFile = "probe.json";

    protected override void Run(SeedInput seed, StageRun run)
    {
        var plan = ResizePlan.Read(run.UpstreamDir("resize"));
        var tokenizerFolder = Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder);
        var baseTokenizer = HfTokenizer.Load(seed.ModelPath);
        var tokenizer = HfTokenizer.FromFolder(tokenizerFolder);
        var rows = NewRowPlans(seed, baseTokenizer, tokenizer);
        // New ids start at the base tokenizer's size, which is below the matrix's rows when the model pads them
        // (Qwen: 151,669 tokens, 151,936 rows): those new tokens take existing rows, which are seeded too.
        int first = Math.Min(plan.OldRows, baseTokenizer.VocabSize);
        bool input = seed.Rows.Contains(SeedMatrix.Input);
        bool output = seed.Rows.Contains(SeedMatrix.Output);
        if (plan.Tied && output && !input)
            throw new PipelineException($"{seed.RecipePath}: seed.rows: [output] on a model with a tied head: the output rows are the input rows; seed [input]");
        if (plan.Tied && output) run.Report("seed.rows: output ignored: the head is tied to the input embedding (one matrix)");

        using var model = CausalLM.Load(seed.ModelPath, ScalarType.Float32);
        int count = plan.NewRows - first;
        using var embedRows = Rows(model.model.embed_tokens.weight!, input, rows, count, first, plan, seed.RandomSeed);
        using var headRows = model.lm_head is null ? null : Rows(model.lm_head.weight!, output, rows, count, first, plan, seed.RandomSeed);
        var patch = Path.Combine(run.OutputDir, SeedPatch.FileName);
        SeedPatch.Write(patch, first, embedRows, headRows);

        var probe = new JsonObject
        {
            ["strategy"] = Spelling(seed.Strategy),
            ["rows"] = new JsonArray(rows.Select(r => (JsonNode)new JsonObject
            {
                ["token"] = r.Token, ["id"] = r.Id, ["method"] = r.Method.ToString(),
                ["source_ids"] = new JsonArray(r.SourceIds.Select(i => (JsonNode)i).ToArray()),
            }).ToArray()),
        };
        if (seed.Probe is { } text) probe["probe"] = Probe(seed, model, tokenizer, tokenizerFolder, plan, first, rows, (embedRows, headRows), text, run);
        File.WriteAllText(Path.Combine(run.OutputDir, ProbeFile), probe.ToJsonString(Indented));
    }

    /// <summary>
    /// Rows [first, first + count) of <paramref name="weight"/> after seeding: new tokens' rows seeded when the
    /// matrix is in seed.rows (else zero), rows the model already had and no new token takes kept as they are,
    /// padding rows past them zero.
    /// </summary>
    private static Tensor Rows(Tensor weight, bool seeded, List<NewRowPlan> plans, int count, int first, ResizePlan plan, long randomSeed)
    {
        var rows = seeded ? EmbeddingSeeder.Seed(weight, plans, count, first, randomSeed) : zeros(count, plan.HiddenSize);
        var taken = plans.Select(p => p.Id).ToHashSet();
        using var _ = no_grad();
        for (int id = first; id < plan.OldRows; id++)
            if (!seeded || !taken.Contains(id))
                rows[id - first].copy_(weight[id].to(ScalarType.Float32));
        return rows;
    }

    /// <summary>One plan per genuinely new token (a token the base tokenizer already has, reused, gets no row).</summary>
    private static List<NewRowPlan> NewRowPlans(SeedInput seed, HfTokenizer baseTokenizer, HfTokenizer tokenizer)
    {
        var plans = new List<NewRowPlan>();
        foreach (var token in seed.Add)
        {
            int id = tokenizer.TokenToId(token) ?? throw new PipelineException($"token {token} is missing from the extended tokenizer");
            if (baseTokenizer.TokenToId(token) is not null) continue;
            if (seed.Overrides.TryGetValue(token, out var from))
            {
                plans.Add(new NewRowPlan(token, id, SeedMethod.Copy, [TokenContract.SingleTokenId(baseTokenizer, from, $"seed.overrides[{token}]")]));
                continue;
            }
            plans.Add(seed.Strategy switch
            {
                SeedStrategy.Copy => new NewRowPlan(token, id, SeedMethod.Copy, [TokenContract.SingleTokenId(baseTokenizer, seed.CopyFrom!, "seed.from")]),
                SeedStrategy.SubwordMean => new NewRowPlan(token, id, SeedMethod.SubwordMean, baseTokenizer.Encode(token)),
                SeedStrategy.Mean => new NewRowPlan(token, id, SeedMethod.Mean, []),
                SeedStrategy.MeanCov => new NewRowPlan(token, id, SeedMethod.MeanCov, []),
                SeedStrategy.Normal => new NewRowPlan(token, id, SeedMethod.Normal, []),
                _ => new NewRowPlan(token, id, SeedMethod.Zeros, []),
            });
        }
        return plans;
    }

    /// <summary>
    /// P(each new token, and the copied token) as the next token after the chat-templated probe, with the
    /// new rows at zero (before) and seeded (after). Padding rows never count.
    /// </summary>
    private static JsonObject Probe(SeedInput seed, CausalLM model, HfTokenizer tokenizer, string tokenizerFolder, ResizePlan plan, int first, List<NewRowPlan> rows, (Tensor Embed, Tensor? Head) seeded, string text, StageRun run)
    {
        var (prompt, ids) = new ChatPrompt(seed.TemplateFile, seed.TemplateVars, tokenizer, tokenizerFolder).User(text);
        var watched = rows.Select(r => (r.Token, r.Id)).ToList();
        if (seed.CopyFrom is { } from && tokenizer.TokenToId(from) is int fromId) watched.Add((from, fromId));
        var watchedIds = watched.Select(w => w.Id).ToList();

        model.ResizeTokenEmbeddings(plan.NewRows);
        model.RealVocabSize = plan.VocabSize;
        var before = NextTokenProbe.Probabilities(model, ids, watchedIds);
        SeedPatch.SetRows(model, first, seeded.Embed, seeded.Head);
        var after = NextTokenProbe.Probabilities(model, ids, watchedIds);
        var tokens = new JsonArray();
        for (int i = 0; i < watched.Count; i++)
        {
            tokens.Add(new JsonObject { ["token"] = watched[i].Token, ["id"] = watched[i].Id, ["before"] = before[i], ["after"] = after[i] });
            run.Report($"P({watched[i].Token}) {before[i]:0.000000} -> {after[i]:0.000000}");
        }
        return new JsonObject
        {
            ["text"] = text,
            ["prompt"] = prompt,
            ["prompt_ids"] = new JsonArray(ids.Select(i => (JsonNode)i).ToArray()),
            ["tokens"] = tokens,
        };
    }
}
