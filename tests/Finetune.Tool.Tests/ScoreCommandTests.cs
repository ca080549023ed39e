using System.Text.Json.Nodes;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary><c>score</c> on stories260K.gguf, a real pretrained model (models/README.md gives its NLL).</summary>
public sealed class ScoreCommandTests
{
    private readonly string _dir = TestPaths.NewTempDir();
    private static string Stories => TestPaths.Reference("models", "stories260K.gguf");

    [Fact]
    public async Task Text_with_bos_scores_the_readme_sentence_at_mean_nll_about_0_28()
    {
        var r = await ToolOutput.Run(_dir, "score", "--model", Stories, "--bos", "--json",
            "--text", "Once upon a time, there was a little girl named Lily. She loved to play outside.");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        var ids = json["ids"]!.AsArray().Select(n => (int)n!).ToArray();
        var logProbs = json["token_logprobs"]!.AsArray().Select(n => (double)n!).ToArray();
        Assert.Equal([1, 403, 407, 261, 378], ids[..5]);
        Assert.Equal(ids.Length - 1, logProbs.Length);
        Assert.InRange(-logProbs.Average(), 0.27, 0.29); // README: mean per-token NLL 0.28 (2.45 if RoPE were wrong)
    }

    [Fact]
    public async Task Ids_give_n_minus_one_logprobs_none_positive()
    {
        var r = await ToolOutput.Run(_dir, "score", "--model", Stories, "--ids", "1, 403,407,261,378", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        Assert.Equal([1, 403, 407, 261, 378], json["ids"]!.AsArray().Select(n => (int)n!).ToArray());
        var logProbs = json["token_logprobs"]!.AsArray().Select(n => (double)n!).ToArray();
        Assert.Equal(4, logProbs.Length);
        Assert.All(logProbs, p => Assert.InRange(p, double.NegativeInfinity, 0));
    }

    [Fact]
    public async Task Without_json_prints_a_table_of_tokens()
    {
        var r = await ToolOutput.Run(_dir, "score", "--model", Stories, "--ids", "1,403,407");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var lines = r.OutputLines;
        Assert.Equal(4, lines.Length); // header, two tokens, mean
        Assert.Contains("\" Once\"", lines[1]); // id 403 is ▁Once: after <s> it adds " Once"
        Assert.Contains("\" upon\"", lines[2]);
        Assert.StartsWith("mean NLL ", lines[3]);
    }

    [Theory]
    [InlineData("missing.gguf", "1,2", "error: missing.gguf: no such model file or folder")]
    [InlineData("model.txt", "1,2", "error: model.txt: unknown model file type (expected a Hugging Face model folder or a .gguf file)")]
    [InlineData("STORIES", "1,two,3", "error: --ids: \"two\" is not a token id (expected comma-separated non-negative integers, e.g. 1,403,407)")]
    [InlineData("STORIES", "1,-2", "error: --ids: \"-2\" is not a token id (expected comma-separated non-negative integers, e.g. 1,403,407)")]
    [InlineData("STORIES", "1,512", "error: --ids: token id 512 is outside the model's vocabulary (0..511)")]
    public async Task Bad_inputs_are_one_line_errors(string model, string ids, string message)
    {
        File.WriteAllText(Path.Combine(_dir, "model.txt"), "not a model");
        var r = await ToolOutput.Run(_dir, "score", "--model", model == "STORIES" ? Stories : model, "--ids", ids);
        Assert.Equal(message, r.AssertUserError());
    }
}
