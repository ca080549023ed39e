using Finetune.Pipeline.Mapping;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>Reads <c>data:</c>: train/test token shards (ids + loss mask) and stats.json.</summary>
public sealed class MapStage(MapInput input) : Stage<MapInput>(input)
{
    public override string Name => "map";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize"];

    protected override void Run(MapInput data, StageRun run)
    {
        if (data.DataPath is null) throw new PipelineException($"{data.RecipePath}: the recipe has no data section, so there is nothing to map");
        var folder = Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder);
        var tokenizer = HfTokenizer.FromFolder(folder);
        var template = ChatPrompt.LoadTemplate(data.TemplateFile, folder);
        if (template.UndeclaredVariables.Contains("date_string") && !data.TemplateVars.ContainsKey("date_string"))
            run.Report($"warning: chat template {template.Name} reads date_string, which data.template_vars does not pin: " +
                       "it renders today's date, so the shards change from day to day");
        var conversations = new ConversationTokenizer(tokenizer, template, data.TemplateVars, data.LossOn, run.Cancellation);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var mapper = new DatasetMapper(new MessageMapper(data.Messages), conversations, data.OnBadRow, data.MaxSeqLength, run.Cancellation)
        {
            Progress = (done, total) => run.Progress(StageProgress.Counting(done, total, "row", clock)),
        };
        var stats = mapper.Run(data.DataPath, data.Take, data.TestFraction, data.ShuffleSeed, run.OutputDir);
        var skipped = stats.Train.Skipped.Values.Sum() + stats.Test.Skipped.Values.Sum();
        var dropped = stats.Train.Dropped.Values.Sum() + stats.Test.Dropped.Values.Sum();
        run.Report($"{stats.RowsRead} rows: {stats.Train.Rows} train, {stats.Test.Rows} test; " +
                   $"{stats.Train.Tokens + stats.Test.Tokens} tokens ({stats.Train.LossTokens + stats.Test.LossTokens} with loss); " +
                   $"{stats.Train.Truncated + stats.Test.Truncated} truncated, {dropped} dropped, {skipped} bad rows skipped");
    }
}
