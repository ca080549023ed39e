using System.Text.Json.Nodes;
using Finetune.Pipeline.Stages;
using Finetune.Testing;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Seeding;

namespace Finetune.Pipeline.Tests.Stages;

public sealed class EarlyStagesTests
{
    [Fact]
    public void Tokenize_stage_on_the_llama3_tokenizer_gives_the_original_ids()
    {
        // The reference folder holds the real Llama 3.2 tokenizer files (no weights: tokenize needs none).
        var model = Path.Combine(TestPaths.NewTempDir(), "llama3");
        Directory.CreateDirectory(model);
        foreach (var f in new[] { "tokenizer.json", "tokenizer_config.json" })
            File.Copy(TestPaths.Reference("llama3", f), Path.Combine(model, f));
        var kit = new StageTestKit(t => t.Replace("probe: \"Lily has 3 red apples. Tom gives her 2 more. How many apples does Lily have now?\"", "probe: \"Why is the sky blue?\""), model);
        kit.Run(only: "tokenize");
        var entry = kit.Entry("tokenize");
        var report = JsonNode.Parse(File.ReadAllText(Path.Combine(entry, TokenizeStage.ReportFile)))!;
        Assert.Equal(128256, (int)report["base_vocab_size"]!);
        Assert.Equal(128260, (int)report["vocab_size"]!);
        Assert.Equal([128256, 128257, 128258, 128259], report["added"]!.AsArray().Select(a => (int)a!["id"]!));
        var together = report["probes"]![0]!;
        Assert.Equal("<think></think><answer></answer>", (string)together["text"]!);
        Assert.Equal([128000, 128256, 128257, 128258, 128259], together["after"]!.AsArray().Select(i => (int)i!));
        Assert.Equal(128004, (int)report["pad_id"]!);
        Assert.True((bool)report["contract"]!["round_trips"]!);
        Assert.Equal(128006, (int)report["contract"]!["seed_id"]!); // <|start_header_id|>

        // The saved tokenizer reloads with the same ids.
        var saved = HfTokenizer.FromFolder(Path.Combine(entry, TokenizeStage.TokenizerFolder));
        Assert.Equal([128000, 128256, 128257, 128258, 128259], saved.Encode("<think></think><answer></answer>", addBos: true));
    }

    [Fact]
    public void A_seed_token_that_is_not_one_token_fails_tokenize_naming_it()
    {
        var kit = new StageTestKit(t => t.Replace("from: \"<|start_header_id|>\"", "from: \"several words here\""));
        var e = Assert.ThrowsAny<Exception>(() => kit.Run(only: "tokenize"));
        Assert.Contains("several words here", e.Message);
        Assert.Contains("is not a single token", e.Message);
    }

    [Fact]
    public void Resize_pads_rows_and_seed_copies_the_reference_row_into_each_new_token()
    {
        var kit = new StageTestKit(t => t.Replace("pad_token: \"<|finetune_right_pad_id|>\"", "pad_token: \"<|finetune_right_pad_id|>\"\n  pad_to_multiple_of: 64"));
        kit.Run(only: "seed");
        var plan = ResizePlan.Read(kit.Entry("resize"));
        // The tiny model has 689 rows; 4 tokens make 693, padded up to the next multiple of 64: 704.
        Assert.Equal((689, 704, 693, 11, true), (plan.OldRows, plan.NewRows, plan.VocabSize, plan.PaddingRows, plan.Tied));

        using var model = Finetune.Torch.Models.CausalLM.Load(Path.Combine(TestPaths.RepoRoot, "recipes", "models", "tiny-llama"));
        var reference = model.model.embed_tokens.weight![679].data<float>().ToArray(); // <|start_header_id|> = first special + 6
        SeedPatch.Apply(model, Path.Combine(kit.Entry("seed"), SeedPatch.FileName));
        Assert.Equal(704, model.model.embed_tokens.weight!.shape[0]);
        for (int id = 689; id < 693; id++) Assert.Equal(reference, model.model.embed_tokens.weight![id].data<float>().ToArray());
        Assert.All(model.model.embed_tokens.weight![700].data<float>().ToArray(), v => Assert.Equal(0f, v));

        var probe = JsonNode.Parse(File.ReadAllText(Path.Combine(kit.Entry("seed"), SeedStage.ProbeFile)))!;
        Assert.Equal("Lily has 3 red apples. Tom gives her 2 more. How many apples does Lily have now?", (string)probe["prompt"]!);
        Assert.Equal(["after_user_turn", "after_generation_prompt"], probe["positions"]!.AsArray().Select(p => (string)p!["name"]!));
        foreach (var position in probe["positions"]!.AsArray())
        {
            var tokens = position!["probabilities"]!.AsObject();
            Assert.Equal(["<think>", "</think>", "<answer>", "</answer>", "<|start_header_id|>"], tokens.Select(kv => kv.Key));
            // After copying, each new token has exactly the reference token's probability (one shared logit).
            var referenceAfter = (double)tokens["<|start_header_id|>"]!["after"]!;
            foreach (var (_, t) in tokens) Assert.Equal(referenceAfter, (double)t!["after"]!, 6);
        }
    }

    [Fact]
    public void Seed_probe_on_the_tiny_chat_model_shows_the_originals_moment()
    {
        // The targets: the pretrained tiny model predicts <|start_header_id|> after the user turn (p >= 0.5),
        // <think> is unlikely there before seeding (<= 0.001), and after copying the reference row into 4 tokens of
        // a tied model each gets p / (1 + 4p) within 1% (the original: 0.99997 -> 0.199994).
        var kit = new StageTestKit();
        kit.Run(only: "seed");
        var probe = JsonNode.Parse(File.ReadAllText(Path.Combine(kit.Entry("seed"), SeedStage.ProbeFile)))!;
        var tokens = probe["positions"]!.AsArray().Single(p => (string)p!["name"]! == "after_user_turn")!["probabilities"]!;
        double p = (double)tokens["<|start_header_id|>"]!["before"]!;
        Assert.InRange(p, 0.5, 1.0);
        double expected = p / (1 + 4 * p);
        foreach (var token in new[] { "<think>", "</think>", "<answer>", "</answer>" })
        {
            Assert.InRange((double)tokens[token]!["before"]!, 0, 0.001);
            Assert.InRange((double)tokens[token]!["after"]!, expected * 0.99, expected * 1.01);
        }
        Assert.InRange((double)tokens["<|start_header_id|>"]!["after"]!, expected * 0.99, expected * 1.01);
    }
}
