using Finetune.Recipes;
using Finetune.Testing;
using Finetune.Tool.Output;

namespace Finetune.Tool.Tests;

/// <summary>
/// <c>validate --format</c>: the same two errors in each CI-native shape. Positions are counted by hand in the
/// recipe below (line 2 col 16: the value `nowhere`; line 4 col 3: the key `epochz`).
/// </summary>
public sealed class ValidateFormatTests
{
    private readonly string _dir = TestPaths.NewTempDir();

    private async Task<ToolOutput> Validate(params string[] options)
    {
        File.WriteAllText(Path.Combine(_dir, "bad.yaml"), "name: x\nmodel: { path: nowhere }\ntrain:\n  epochz: 2\n");
        return await ToolOutput.Run(_dir, ["validate", "bad.yaml", .. options]);
    }

    [Fact]
    public async Task Github_format_prints_workflow_error_commands_with_file_line_and_column()
    {
        var r = await Validate("--format", "github");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(2, r.OutputLines.Length);
        Assert.StartsWith("::error file=bad.yaml,line=2,col=16::FT008: `model.path` does not exist: nowhere (", r.OutputLines[0]);
        Assert.Equal("::error file=bad.yaml,line=4,col=3::FT002: unknown key `epochz` in `train` (did you mean `epochs`?)", r.OutputLines[1]);
    }

    [Fact]
    public async Task Msbuild_format_prints_canonical_error_lines()
    {
        var r = await Validate("--format", "msbuild");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("bad.yaml(4,3): error FT002: unknown key `epochz` in `train` (did you mean `epochs`?)", r.OutputLines[1]);
        Assert.StartsWith("bad.yaml(2,16): error FT008: ", r.OutputLines[0]);
    }

    [Fact]
    public async Task Json_format_and_the_json_flag_print_the_same_objects()
    {
        var format = await Validate("--format", "json");
        var flag = await Validate("--json");
        Assert.Equal(1, format.ExitCode);
        Assert.Equal(format.StandardOutput, flag.StandardOutput);
        var second = System.Text.Json.Nodes.JsonNode.Parse(format.OutputLines[1])!;
        Assert.Equal("bad.yaml", (string)second["file"]!);
        Assert.Equal(4, (int)second["line"]!);
        Assert.Equal(3, (int)second["column"]!);
        Assert.Equal("FT002", (string)second["code"]!);
    }

    [Fact]
    public async Task An_unknown_format_is_a_user_error()
    {
        var r = await Validate("--format", "xml");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: --format must be one of text, msbuild, github, json (got 'xml')", r.StandardError.Trim());
    }

    [Fact]
    public async Task CI_formats_print_nothing_for_a_good_recipe()
    {
        File.WriteAllText(Path.Combine(_dir, "good.yaml"), "name: good\nmodel: { path: m }\ndata: { path: d.jsonl }\n");
        var text = await ToolOutput.Run(_dir, "validate", "good.yaml", "--no-path-check");
        var github = await ToolOutput.Run(_dir, "validate", "good.yaml", "--no-path-check", "--format", "github");
        Assert.Equal(0, text.ExitCode);
        Assert.Equal("good.yaml: ok\n", text.StandardOutput);
        Assert.Equal(0, github.ExitCode);
        Assert.Equal("", github.StandardOutput);
    }

    [Fact]
    public void Github_format_escapes_percent_newlines_and_property_separators()
    {
        // Escaping per GitHub's workflow-command rules, worked by hand: data % CR LF; properties also : and ,.
        var d = new RecipeDiagnostic("a:b,c%.yaml", 3, 1, "FT001", "100% wrong\nsecond line", null);
        Assert.Equal("::error file=a%3Ab%2Cc%25.yaml,line=3,col=1::FT001: 100%25 wrong%0Asecond line", DiagnosticFormat.Write(d, "github"));
    }
}
