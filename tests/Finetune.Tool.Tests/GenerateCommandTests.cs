using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Torch.Models;

namespace Finetune.Tool.Tests;

/// <summary><c>generate</c>: greedy decoding of stories260K.gguf (models/README.md) and the --chat prompt of Llama 3.2.</summary>
public sealed class GenerateCommandTests
{
    private readonly string _dir = TestPaths.NewTempDir();
    private static string Stories => TestPaths.Reference("models", "stories260K.gguf");

    // The README's greedy decode from BOS + "Once upon a time".
    private const string Continuation = ", there was a little girl named Lily. She loved to play outside in the park.";

    [Fact]
    public async Task Greedy_generation_streams_the_readme_continuation()
    {
        var r = await ToolOutput.Run(_dir, "generate", "--model", Stories, "--prompt", "Once upon a time", "--max-new-tokens", "27");
        Assert.True(r.ExitCode == 0, r.StandardError);
        Assert.StartsWith(Continuation, r.StandardOutput);
        Assert.EndsWith("\n", r.StandardOutput);
    }

    [Fact]
    public async Task Json_gives_prompt_ids_with_bos_generated_ids_and_the_same_text()
    {
        var r = await ToolOutput.Run(_dir, "generate", "--model", Stories, "--prompt", "Once upon a time", "--max-new-tokens", "27", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        Assert.Equal([1, 403, 407, 261, 378], json["prompt_ids"]!.AsArray().Select(n => (int)n!).ToArray()); // BOS added by default
        Assert.Equal(27, json["ids"]!.AsArray().Count);
        Assert.StartsWith(Continuation, (string)json["text"]!);
        Assert.Equal("length", (string)json["stop"]!);
    }

    [Fact]
    public async Task Sampling_with_a_seed_repeats_and_stays_in_the_vocabulary()
    {
        string[] args = ["generate", "--model", Stories, "--prompt", "Once upon a time", "--max-new-tokens", "16", "--temperature", "1.0", "--top-p", "0.9", "--seed", "3", "--json"];
        var first = await ToolOutput.Run(_dir, args);
        var second = await ToolOutput.Run(_dir, args);
        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Equal(first.StandardOutput, second.StandardOutput);
        Assert.All(JsonNode.Parse(first.StandardOutput)!["ids"]!.AsArray(), n => Assert.InRange((int)n!, 0, 511));
    }

    [Fact]
    public async Task Chat_wraps_the_prompt_with_the_llama_3_2_template()
    {
        // A tiny random model over the real Llama 3.2 tokenizer: the prompt ids are the point, not the reply.
        var folder = TinyLlama3Folder();
        var r = await ToolOutput.Run(_dir, "generate", "--model", folder, "--chat", "--prompt", "Hello!", "--max-new-tokens", "2", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var prompt = JsonNode.Parse(Assert.Single(r.OutputLines))!["prompt_ids"]!.AsArray().Select(n => (int)n!).ToArray();
        // rendered_examples.json example a (user "Hello!", add_generation_prompt) has these ids; only the
        // "Today Date" tokens differ, as strftime_now gives today's date: compare everything around them.
        var reference = JsonNode.Parse(File.ReadAllText(TestPaths.Reference("chat_templates", "rendered_examples.json")))!
            ["examples"]![0]!["ids"]!.AsArray().Select(n => (int)n!).ToArray();
        int dateStart = Array.IndexOf(reference, 15724) + 3; // "Today", " Date", ":"
        int dateEnd = Array.IndexOf(reference, 128009) - 1;   // the "\n\n" before <|eot_id|>
        Assert.Equal(reference[..dateStart], prompt[..dateStart]);
        Assert.Equal(reference[dateEnd..], prompt[^(reference.Length - dateEnd)..]);
        Assert.Single(prompt, id => id == 128000); // exactly one BOS: the template's, none added on top
    }

    [Fact]
    public async Task Chat_without_a_chat_template_is_a_user_error()
    {
        var r = await ToolOutput.Run(_dir, "generate", "--model", Stories, "--chat", "--prompt", "Hi");
        Assert.Contains("has no chat template", r.AssertUserError());
    }

    /// <summary>
    /// A tiny random Llama (vocab 128256) saved with the reference Llama 3.2 tokenizer files. With
    /// <paramref name="flatLogits"/> the final norm's weight is zero, so every logit is 0 and greedy decoding
    /// picks id 0 (argmax returns the first of equal maxima).
    /// </summary>
    private string TinyLlama3Folder(bool flatLogits = false, int configEos = 128009, string? generationConfig = null)
    {
        var folder = Path.Combine(_dir, $"tiny-llama3-{Guid.NewGuid():N}");
        var config = new ModelConfig
        {
            VocabSize = 128256, HiddenSize = 8, IntermediateSize = 16, NumHiddenLayers = 1, NumAttentionHeads = 2,
            NumKeyValueHeads = 1, TieWordEmbeddings = true, BosTokenId = 128000, EosTokenId = configEos,
        };
        using (var model = new CausalLM(config))
        {
            if (flatLogits)
                using (TorchSharp.torch.no_grad())
                    model.model.norm.weight.zero_();
            model.SaveHuggingFace(folder);
        }
        foreach (var file in new[] { "tokenizer.json", "tokenizer_config.json", "generation_config.json" })
            File.Copy(TestPaths.Reference("llama3", file), Path.Combine(folder, file));
        if (generationConfig != null)
            File.WriteAllText(Path.Combine(folder, "generation_config.json"), generationConfig);
        return folder;
    }

    [Theory]
    [InlineData(128009, """{"eos_token_id": [128001, 0]}""", "[0]", "eos")]  // eos from generation_config.json
    [InlineData(0, """{"eos_token_id": [128001, 128009]}""", "[0]", "eos")]  // eos from config.json
    [InlineData(128009, """{"eos_token_id": [128001]}""", "[0,0,0]", "length")]
    public async Task Generation_stops_at_any_eos_id_of_the_tokenizer_or_the_model(int configEos, string generationConfig, string ids, string stop)
    {
        var folder = TinyLlama3Folder(flatLogits: true, configEos, generationConfig);
        var r = await ToolOutput.Run(_dir, "generate", "--model", folder, "--prompt", "The end.", "--max-new-tokens", "3", "--json");
        Assert.True(r.ExitCode == 0, r.StandardError);
        var json = JsonNode.Parse(Assert.Single(r.OutputLines))!;
        Assert.Equal("[128000,791,842,13]", json["prompt_ids"]!.ToJsonString()); // BOS + "The end." (encode_samples.jsonl)
        Assert.Equal(ids, json["ids"]!.ToJsonString());
        Assert.Equal(stop, (string)json["stop"]!);
    }
}
