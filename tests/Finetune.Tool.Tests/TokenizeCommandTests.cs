using System.Text.Json.Nodes;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary><c>tokenize</c> against the Hugging Face ids in ../shared/reference.</summary>
public sealed class TokenizeCommandTests
{
    private readonly string _dir = TestPaths.NewTempDir();

    private static int[] Ids(JsonNode line) => line["ids"]!.AsArray().Select(n => (int)n!).ToArray();

    [Fact]
    public async Task Jsonl_input_gives_the_reference_ids_of_every_llama3_encode_sample()
    {
        var samples = TestPaths.Reference("llama3", "encode_samples.jsonl");
        var expected = File.ReadAllLines(samples).Where(l => l.Length > 0).Select(l => JsonNode.Parse(l)!).ToList();
        var r = await ToolOutput.Run(_dir, "tokenize", "--model", TestPaths.Reference("llama3"), "--jsonl", samples);
        Assert.True(r.ExitCode == 0, r.StandardError);
        var lines = r.OutputLines;
        Assert.Equal(51, expected.Count);
        Assert.Equal(expected.Count, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            var got = JsonNode.Parse(lines[i])!;
            Assert.Equal((string)expected[i]["text"]!, (string)got["text"]!);
            Assert.Equal(Ids(expected[i]), Ids(got));
        }
    }

    [Fact]
    public async Task Non_ascii_text_stays_readable_on_one_line()
    {
        var r = await ToolOutput.Run(_dir, "tokenize", "--model", TestPaths.Reference("llama3"), "--text", "x² + y² = z²\n");
        Assert.True(r.ExitCode == 0, r.StandardError);
        // Ids from encode_samples.jsonl ("x² + y² = z²") plus 198 for the newline; the text keeps ² and escapes \n.
        Assert.Equal("{\"text\":\"x² + y² = z²\\n\",\"ids\":[87,30556,489,379,30556,284,1167,30556,198]}\n", r.StandardOutput);
    }

    [Fact]
    public async Task Added_tokens_with_bos_encode_to_the_issue_ids()
    {
        var r = await ToolOutput.Run(_dir, "tokenize", "--model", TestPaths.Reference("llama3"),
            "--add", "<think>", "--add", "</think>", "--add", "<answer>", "--add", "</answer>", "--bos",
            "--text", "<think></think><answer></answer>");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal([128000, 128256, 128257, 128258, 128259], Ids(JsonNode.Parse(Assert.Single(r.OutputLines))!));
    }

    [Fact]
    public async Task Without_bos_no_bos_is_added()
    {
        // The issue's ids for "<think></think><answer></answer" with BOS are [128000, 14023, 771, 1500, 27963, 1822, 9399, 1500, 9399].
        var r = await ToolOutput.Run(_dir, "tokenize", "--model", TestPaths.Reference("llama3"), "--text", "<think></think><answer></answer");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal([14023, 771, 1500, 27963, 1822, 9399, 1500, 9399], Ids(JsonNode.Parse(Assert.Single(r.OutputLines))!));
    }

    [Fact]
    public async Task Gguf_vocabulary_encodes_once_upon_a_time_with_bos()
    {
        var r = await ToolOutput.Run(_dir, "tokenize", "--model", TestPaths.Reference("models", "stories260K.gguf"), "--bos", "--text", "Once upon a time");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.Equal([1, 403, 407, 261, 378], Ids(JsonNode.Parse(Assert.Single(r.OutputLines))!)); // models/README.md
    }

    [Fact]
    public async Task A_bad_jsonl_line_is_one_error_naming_file_and_line()
    {
        File.WriteAllText(Path.Combine(_dir, "in.jsonl"), "{\"text\": \"ok\"}\n\n{\"txt\": \"no\"}\n");
        var r = await ToolOutput.Run(_dir, "tokenize", "--model", TestPaths.Reference("llama3"), "--jsonl", "in.jsonl");
        Assert.Equal("error: in.jsonl:3: no \"text\" key", r.AssertUserError());

        File.WriteAllText(Path.Combine(_dir, "broken.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \n");
        r = await ToolOutput.Run(_dir, "tokenize", "--model", TestPaths.Reference("llama3"), "--jsonl", "broken.jsonl");
        Assert.StartsWith("error: broken.jsonl:2: not valid JSON", r.AssertUserError());
    }

    [Fact]
    public async Task Text_and_jsonl_together_are_a_user_error()
    {
        var r = await ToolOutput.Run(_dir, "tokenize", "--model", TestPaths.Reference("llama3"), "--text", "a", "--jsonl", "b.jsonl");
        Assert.Contains("exactly one of --text and --jsonl", r.AssertUserError());
    }
}
