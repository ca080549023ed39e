using Finetune.Pipeline.Evaluation;
using System.Text.Json.Nodes;
using Finetune.Recipes;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Models;
using Finetune.Torch.Seeding;
using static TorchSharp.torch;

namespace Finetune.Pipeline.Stages;

/// <summary>
/// Reads <c>seed:</c>: the new rows only (seed.safetensors) and probe.json with P(new token) before/after at
/// both prompt placements (<see cref="SeedProbe"/>).
/// </summary>
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

        var seededRows = rows.Select(r => new SeedProbe.Row(r.Token, r.Id, r.Method.ToString(), r.SourceIds)).ToList();
        var probe = seed.Probe is { } text
            ? Probe(seed, model, tokenizer, tokenizerFolder, plan, first, seededRows, (embedRows, headRows), text, run).ToJson()
            : new JsonObject
            {
                ["strategy"] = Spelling(seed.Strategy),
                ["tied"] = plan.Tied,
                ["rows"] = new JsonArray(seededRows.Select(r => (JsonNode)new JsonObject
                {
                    ["token"] = r.Token, ["id"] = r.Id, ["method"] = r.Method,
                    ["source_ids"] = new JsonArray(r.SourceIds.Select(i => (JsonNode)i).ToArray()),
                }).ToArray()),
            };
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
    /// P(each new token, and the copied reference token) as the next token after the probe prompt, at both
    /// placements (after the user turn, as the original measured; after the generation prompt), with the new
    /// rows at zero (before) and seeded (after). Padding rows never count.
    /// </summary>
    private static SeedProbe Probe(SeedInput seed, CausalLM model, HfTokenizer tokenizer, string tokenizerFolder, ResizePlan plan, int first, List<SeedProbe.Row> rows, (Tensor Embed, Tensor? Head) seeded, string text, StageRun run)
    {
        var chat = new ChatPrompt(seed.TemplateFile, seed.TemplateVars, tokenizer, tokenizerFolder);
        var prompts = SeedProbe.Placements.Select(p => chat.User(text, p).Ids).ToList();
        var watched = rows.Select(r => (r.Token, r.Id)).ToList();
        int? referenceId = seed.CopyFrom is { } from ? tokenizer.TokenToId(from) : null;
        if (referenceId is int fromId) watched.Add((seed.CopyFrom!, fromId));
        var watchedIds = watched.Select(w => w.Id).ToList();

        model.ResizeTokenEmbeddings(plan.NewRows);
        model.RealVocabSize = plan.VocabSize;
        var before = prompts.Select(ids => NextTokenProbe.Probabilities(model, ids, watchedIds)).ToList();
        SeedPatch.SetRows(model, first, seeded.Embed, seeded.Head);
        var after = prompts.Select(ids => NextTokenProbe.Probabilities(model, ids, watchedIds)).ToList();
        var positions = new List<SeedProbe.Position>();
        for (int p = 0; p < prompts.Count; p++)
        {
            var name = SeedProbe.Name(SeedProbe.Placements[p]);
            positions.Add(new SeedProbe.Position(name, watched.Select((w, i) => (w.Token, before[p][i], after[p][i])).ToList()));
            for (int i = 0; i < watched.Count; i++)
                run.Report($"{name}: P({watched[i].Token}) {before[p][i]:0.000000} -> {after[p][i]:0.000000}");
        }
        return new SeedProbe(text, Spelling(seed.Strategy), plan.Tied, referenceId is null ? null : seed.CopyFrom, referenceId, rows, positions);
    }
}
