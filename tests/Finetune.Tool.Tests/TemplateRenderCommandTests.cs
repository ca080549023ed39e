using System.Text;
using System.Text.Json.Nodes;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary><c>template render</c> against chat_templates/rendered_examples.json (Jinja2 and @huggingface/jinja output).</summary>
public sealed class TemplateRenderCommandTests
{
    private readonly string _dir = TestPaths.NewTempDir();

    private static JsonNode Example(int index) =>
        JsonNode.Parse(File.ReadAllText(TestPaths.Reference("chat_templates", "rendered_examples.json")))!["examples"]![index]!;

    private static string Llama32Template => TestPaths.Reference("chat_templates", "meta-llama-Llama-3.2-3B-Instruct.jinja");

    private string WriteContext(JsonNode example)
    {
        var path = Path.Combine(_dir, $"context-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, example["context"]!.ToJsonString());
        return path;
    }

    // Example c has no date_string, so the template calls strftime_now("%d %b %Y"); the reference was rendered
    // where that gave "26 Jul 2024" (chat_templates/README.md), hence --now 2024-07-26.
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Llama_3_2_template_renders_the_reference_bytes(int index)
    {
        var example = Example(index);
        var r = await ToolOutput.Run(_dir, "template", "render", "--template", Llama32Template, "--context", WriteContext(example), "--now", "2024-07-26");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal(Encoding.UTF8.GetBytes((string)example["rendered"]!), r.StdoutBytes); // no BOM, nothing added
    }

    [Fact]
    public async Task Model_folder_template_renders_the_reference_bytes()
    {
        var example = Example(2);
        var r = await ToolOutput.Run(_dir, "template", "render", "--model", TestPaths.Reference("llama3"), "--context", WriteContext(example), "--now", "2024-07-26");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal((string)example["rendered"]!, r.StandardOutput);
    }

    [Fact]
    public async Task Now_pins_the_date_strftime_now_formats()
    {
        var example = Example(2);
        var r = await ToolOutput.Run(_dir, "template", "render", "--template", Llama32Template, "--context", WriteContext(example), "--now", "2025-01-05");
        Assert.True(r.ExitCode == 0, r.StandardError);
        // %d %b %Y of 5 January 2025, by hand: day zero-padded, English month abbreviation.
        Assert.Equal(((string)example["rendered"]!).Replace("Today Date: 26 Jul 2024\n", "Today Date: 05 Jan 2025\n"), r.StandardOutput);
    }

    [Fact]
    public async Task Raise_exception_exits_one_with_the_template_message()
    {
        // Gemma 2's template raises on a system message (chat_templates/README.md).
        var context = Path.Combine(_dir, "system.json");
        File.WriteAllText(context, """{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}], "bos_token": "<bos>"}""");
        var r = await ToolOutput.Run(_dir, "template", "render", "--template", TestPaths.Reference("chat_templates", "google-gemma-2-2b-it.jinja"), "--context", context);
        var line = r.AssertUserError();
        Assert.StartsWith("error: google-gemma-2-2b-it.jinja:", line);
        Assert.EndsWith("System role not supported", line);
        Assert.Empty(r.StdoutBytes);
    }

    [Fact]
    public async Task Syntax_error_exits_one_with_line_and_column()
    {
        File.WriteAllText(Path.Combine(_dir, "bad.jinja"), "Hello\n{% if messages %}unclosed");
        File.WriteAllText(Path.Combine(_dir, "c.json"), """{"messages": []}""");
        var r = await ToolOutput.Run(_dir, "template", "render", "--template", "bad.jinja", "--context", "c.json");
        Assert.StartsWith("error: bad.jinja:2:", r.AssertUserError());
    }

    [Theory]
    [InlineData("--now", "2024-13-01", "--now 2024-13-01: expected a date as YYYY-MM-DD")]
    [InlineData("--context", "missing.json", "missing.json: context file not found")]
    [InlineData("--context", "list.json", "list.json: the context must be a JSON object")]
    public async Task Bad_arguments_are_one_line_errors(string option, string value, string message)
    {
        File.WriteAllText(Path.Combine(_dir, "list.json"), "[1, 2]");
        File.WriteAllText(Path.Combine(_dir, "c.json"), """{"messages": []}""");
        string[] args = option == "--context"
            ? ["template", "render", "--template", Llama32Template, "--context", value]
            : ["template", "render", "--template", Llama32Template, "--context", "c.json", option, value];
        var r = await ToolOutput.Run(_dir, args);
        Assert.Equal($"error: {message}", r.AssertUserError());
    }
}
