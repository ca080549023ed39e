using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Stages;

/// <summary>Old/new embedding rows (padded to <c>tokens.pad_to_multiple_of</c>), tied or not: a patch description, not a model copy.</summary>
public sealed class ResizeStage(ResizeInput input) : Stage<ResizeInput>(input)
{
    public override string Name => "resize";

    public override int Version => 1;

    public override IReadOnlyList<string> Upstream => ["tokenize"];

    public const string ResultFile = "resize.json";

    protected override void Run(ResizeInput input, StageRun run)
    {
        var config = ModelConfigReader.Read(input.ModelPath);
        var tokenizer = HfTokenizer.FromFolder(Path.Combine(run.UpstreamDir("tokenize"), TokenizeStage.TokenizerFolder));
        var result = ResizePlan.Compute(config.VocabSize, tokenizer.VocabSize, input.PadToMultipleOf, config.TieWordEmbeddings, config.HiddenSize);
        File.WriteAllText(Path.Combine(run.OutputDir, ResultFile), result.ToJson().ToJsonString(Indented));
        run.Report($"rows {result.OldRows} -> {result.NewRows} ({result.PaddingRows} padding rows; head {(result.Tied ? "tied" : "untied")})");
    }
}
