using System.Text.Json.Nodes;
using Finetune.Testing;

namespace Finetune.Tool.Tests.LlamaCpp;

/// <summary>
/// The embedded default recipe with <c>export.gguf</c>, checked by real llama.cpp: it loads the exported file,
/// tokenizes text holding the added tokens to the ids our Hugging Face export gives, and continues a chat prompt
/// greedily with the tokens our <c>generate</c> gives on the Hugging Face export (f32: all 32; q8_0: the first 8).
/// Expectations come from the HF export, which our GGUF code does not touch. Trains the tiny model for 12 steps.
/// </summary>
public sealed class GgufLlamaCppTests
{
    private const string Prompt = "Tom has 4 red balls. He finds 3 more. How many balls does Tom have now?";
    private const int Tokens = 32;
    private readonly string _dir = TestPaths.NewTempDir("ft-gguf");

    private string Export => Path.Combine(_dir, "export", "think-answer-tiny");

    private void WriteRecipe(string type)
    {
        // The export is the subject, not learning: a short training and evaluation.
        var text = TinyRecipe.Short(TinyRecipe.Text("export/think-answer-tiny"), 12);
        Assert.Contains("\nexport:\n", text);
        File.WriteAllText(Path.Combine(_dir, "think-answer-tiny.yaml"), text.TrimEnd() + $"\n  gguf: {{ type: {type} }}\n");
    }

    private async Task<string> RunRecipe(string type)
    {
        WriteRecipe(type);
        var r = await ToolProcess.Run(_dir, "run", "think-answer-tiny.yaml", "--store", "store");
        Assert.True(r.ExitCode == 0, r.StandardError + r.StandardOutput);
        var files = Directory.GetFiles(Export, "*.gguf");
        return Assert.Single(files);
    }

    private async Task<(int[] Prompt, int[] Ids)> Generate(string model)
    {
        var r = await ToolProcess.Run(_dir, "generate", "--model", model, "--chat", "--prompt", Prompt, "--max-new-tokens", $"{Tokens}", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(r.StandardOutput)!;
        return ([.. json["prompt_ids"]!.AsArray().Select(i => (int)i!)], [.. json["ids"]!.AsArray().Select(i => (int)i!)]);
    }

    /// <summary><paramref name="ids"/> without a last id that is one of the export's end ids (generation_config.json's eos_token_id).</summary>
    private int[] WithoutEnd(int[] ids)
    {
        var eos = JsonNode.Parse(File.ReadAllText(Path.Combine(Export, "generation_config.json")))!["eos_token_id"];
        var ends = eos is JsonArray list ? list.Select(e => (int)e!).ToHashSet() : eos is null ? [] : [(int)eos];
        return ids.Length > 0 && ends.Contains(ids[^1]) ? ids[..^1] : ids;
    }

    private async Task<int[]> Tokenize(string model, string text)
    {
        var r = await ToolProcess.Run(_dir, "tokenize", "--model", model, "--text", text);
        Assert.True(r.ExitCode == 0, r.StandardError);
        return [.. JsonNode.Parse(r.StandardOutput)!["ids"]!.AsArray().Select(i => (int)i!)];
    }

    [Fact]
    public async Task Llama_cpp_loads_the_exported_gguf_and_agrees_with_our_tokenizer_and_generation()
    {
        var f32 = await RunRecipe("f32");
        Assert.EndsWith("-F32.gguf", f32);
        string[] texts =
        [
            "<think>Tom has 4 balls and finds 3.</think><answer>7</answer>",
            " <answer> 12 </answer>\n<think>",
            Prompt,
        ];
        var expectedTokens = new List<int[]>();
        foreach (var text in texts) expectedTokens.Add(await Tokenize(Export, text));
        var (prompt, expected) = await Generate(Export);
        Assert.True(expected.Length > 0);

        var (tokens, generated) = await LlamaCpp.Run(f32, texts, prompt, expected.Length);
        for (int i = 0; i < texts.Length; i++)
            Assert.True(expectedTokens[i].SequenceEqual(tokens[i]), $"\"{texts[i]}\": llama.cpp [{string.Join(", ", tokens[i])}], ours [{string.Join(", ", expectedTokens[i])}]");
        // Our generate reports the end-of-turn id it stopped at; llama.cpp stops before emitting it.
        Assert.Equal(WithoutEnd(expected), generated);

        // Our CLI reads the file it wrote: the same prompt ids and the same continuation.
        var (ggufPrompt, ggufIds) = await Generate(f32);
        Assert.Equal(prompt, ggufPrompt);
        Assert.Equal(expected, ggufIds);

        var q8 = await RunRecipe("q8_0");
        Assert.EndsWith("-Q8_0.gguf", q8);
        var (q8Tokens, q8Generated) = await LlamaCpp.Run(q8, texts, prompt, 8);
        Assert.Equal(expectedTokens, q8Tokens);
        Assert.Equal(WithoutEnd(expected).Take(8), q8Generated.Take(8));
    }

    /// <summary>
    /// A pretrained SentencePiece model (stories260K, a GGUF base) through a short run: our export writes its vocab as
    /// llama.cpp's <c>llama</c> model with rank-derived scores; llama.cpp must split the text (added tokens included)
    /// and continue "Once upon a time" exactly as our Hugging Face export does.
    /// </summary>
    [Fact]
    public async Task Llama_cpp_agrees_on_a_sentencepiece_vocab_exported_from_a_gguf_base()
    {
        var recipe = $$$"""
            name: stories
            model: { path: {{{TestPaths.Reference("models", "stories260K.gguf")}}}, dtype: fp32 }
            tokens: { add: ["<think>", "</think>", "<answer>", "</answer>"], special: false }
            seed: { strategy: mean, rows: [input, output], probe: "Lily has 3 red apples." }
            data:
              path: {{{Path.Combine(TestPaths.RepoRoot, "recipes", "data", "demo-reasoning.jsonl")}}}
              take: 32
              test_fraction: 0.1
              shuffle_seed: 42
              messages:
                - { role: user, content: "{{ instruction }}" }
                - { role: assistant, content: "<think>{{ reasoning }}</think><answer>{{ output }}</answer>" }
              chat_template: {{{Path.Combine(TestPaths.RepoRoot, "recipes", "tiny", "chat_template.jinja")}}}
            train: { epochs: 1, batch_size: 8, learning_rate: 1.0e-5, max_seq_length: 256, save: epoch, precision: fp32 }
            evaluate: { prompts: ["Tom has 4 red balls."], test_questions: 1, max_new_tokens: 4 }
            export: { path: export/stories, dtype: fp32, gguf: { type: f32 } }
            """;
        File.WriteAllText(Path.Combine(_dir, "stories.yaml"), recipe);
        var r = await ToolProcess.Run(_dir, "run", "stories.yaml", "--store", "store");
        Assert.True(r.ExitCode == 0, r.StandardError + r.StandardOutput);
        var folder = Path.Combine(_dir, "export", "stories");
        var gguf = Assert.Single(Directory.GetFiles(folder, "*.gguf"));
        string[] texts = ["Once upon a time, Lily saw a big dog.", "<think>Tom has 4 balls.</think><answer>7</answer>", " <answer> 12 </answer>\n<think>"];
        var expectedTokens = new List<int[]>();
        foreach (var text in texts) expectedTokens.Add(await Tokenize(folder, text));
        var g = await ToolProcess.Run(_dir, "generate", "--model", folder, "--prompt", "Once upon a time", "--max-new-tokens", $"{Tokens}", "--json");
        Assert.True(g.ExitCode == 0, g.StandardError);
        var json = JsonNode.Parse(g.StandardOutput)!;
        int[] prompt = [.. json["prompt_ids"]!.AsArray().Select(i => (int)i!)], expected = [.. json["ids"]!.AsArray().Select(i => (int)i!)];

        var (tokens, generated) = await LlamaCpp.Run(gguf, texts, prompt, expected.Length);
        Assert.Equal(expectedTokens, tokens);
        Assert.Equal(expected, generated);
    }
}
