using System.ComponentModel;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Inference;
using Finetune.Torch.Models;
using Finetune.Tool.Output;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune generate --model PATH --prompt T [--chat] [--max-new-tokens N] [--temperature T] [--top-p P] [--seed S] [--json]</c>:
/// continues the prompt, printing the text as tokens arrive; stops at the model's end-of-sequence tokens.
/// A plain prompt gets the tokenizer's BOS first (as the model saw text in training; --no-bos turns it off);
/// a --chat prompt is rendered by the chat template, which writes its own BOS, and is encoded without one (as apply_chat_template does).
/// </summary>
public sealed class GenerateCommand : Command<GenerateCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--model <PATH>")]
        [Description("A Hugging Face model folder or a .gguf file.")]
        public string? Model { get; init; }

        [CommandOption("--prompt <TEXT>")]
        [Description("The text to continue (BOS added first unless --no-bos).")]
        public string? Prompt { get; init; }

        [CommandOption("--chat")]
        [Description("Send the prompt as a user message through the model's chat template, with the generation prompt.")]
        public bool Chat { get; init; }

        [CommandOption("--no-bos")]
        [Description("Do not add the BOS token before a plain prompt.")]
        public bool NoBos { get; init; }

        [CommandOption("--max-new-tokens <N>")]
        [DefaultValue(128)]
        public int MaxNewTokens { get; init; } = 128;

        [CommandOption("--temperature <T>")]
        [Description("0 (default) picks the most likely token; above 0 samples.")]
        [DefaultValue(0.0)]
        public double Temperature { get; init; }

        [CommandOption("--top-p <P>")]
        [Description("Nucleus sampling: sample from the smallest set of tokens holding this probability.")]
        [DefaultValue(1.0)]
        public double TopP { get; init; } = 1.0;

        [CommandOption("--seed <S>")]
        [Description("Seed of the sampler (default 0, so runs repeat).")]
        public long? Seed { get; init; }

        [CommandOption("--json")]
        [Description("Print one JSON object at the end (prompt ids, generated ids, text) instead of streaming text.")]
        public bool Json { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if (Prompt is null) return Spectre.Console.ValidationResult.Error("--prompt is required");
            if (MaxNewTokens < 1) return Spectre.Console.ValidationResult.Error("--max-new-tokens must be at least 1");
            if (Temperature < 0) return Spectre.Console.ValidationResult.Error("--temperature must be 0 or more");
            if (TopP is <= 0 or > 1) return Spectre.Console.ValidationResult.Error("--top-p must be above 0 and at most 1");
            if (Chat && NoBos) return Spectre.Console.ValidationResult.Error("--no-bos applies to plain prompts; the chat template decides BOS with --chat");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var path = ModelPaths.Require(settings.Model);
        var tokenizer = ModelPaths.Tokenizer(path);
        var prompt = settings.Chat ? ChatPrompt(path, tokenizer, settings.Prompt!) : tokenizer.Encode(settings.Prompt!, addBos: !settings.NoBos);
        if (prompt.Count == 0) throw new UserInputException("--prompt: the prompt encodes to no tokens (give some text, or keep the BOS)");
        var (model, stopIds) = ModelPaths.ForGeneration(path, tokenizer);
        using var _ = model;
        var options = new GenerationOptions
        {
            MaxNewTokens = settings.MaxNewTokens,
            Temperature = settings.Temperature,
            TopP = settings.TopP,
            Seed = settings.Seed,
            EosTokenIds = stopIds,
        };

        using var output = StandardOutput.Open(autoFlush: true);
        var stream = new IncrementalDecoder(tokenizer, prompt);
        var generated = Generator.Generate(model, prompt, options, id =>
        {
            cancellation.ThrowIfCancellationRequested();
            var fresh = stream.Add(id);
            if (!settings.Json) output.Write(fresh);
        });
        if (!settings.Json)
        {
            output.Write(stream.Flush());
            output.WriteLine();
            return CliApp.Ok;
        }
        output.WriteLine(StandardOutput.Json(w =>
        {
            w.WriteNumbers("prompt_ids", prompt);
            w.WriteNumbers("ids", generated);
            w.WriteString("text", stream.Text);
            w.WriteString("stop", generated.Count > 0 && options.EosTokenIds.Contains(generated[^1]) ? "eos" : "length");
        }));
        return CliApp.Ok;
    }

    private static IReadOnlyList<int> ChatPrompt(string path, HfTokenizer tokenizer, string prompt)
    {
        var template = ModelPaths.ChatTemplate(path, tokenizer);
        var message = new Dictionary<string, object?> { ["role"] = "user", ["content"] = prompt };
        var text = template.RenderMessages([message], addGenerationPrompt: true).Text;
        return tokenizer.EncodeRendered(text);
    }
}
