using System.ComponentModel;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune tokenize --model PATH [--add TOKEN]... [--special] [--bos] (--text T | --jsonl FILE)</c>:
/// one <c>{"text": ..., "ids": [...]}</c> line per input on stdout.
/// </summary>
public sealed class TokenizeCommand : Command<TokenizeCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--model <PATH>")]
        [Description("A Hugging Face model folder, its tokenizer.json, or a .gguf file.")]
        public string? Model { get; init; }

        [CommandOption("--add <TOKEN>")]
        [Description("Add this token before encoding (repeatable); ids follow the vocabulary.")]
        public string[] Add { get; init; } = [];

        [CommandOption("--special")]
        [Description("Add the --add tokens as special tokens (default: normal added tokens).")]
        public bool Special { get; init; }

        [CommandOption("--bos")]
        [Description("Add the beginning-of-sequence token(s) of the post-processor (default: none).")]
        public bool Bos { get; init; }

        [CommandOption("--text <TEXT>")]
        [Description("Encode this text.")]
        public string? Text { get; init; }

        [CommandOption("--jsonl <FILE>")]
        [Description("Encode the \"text\" of every line of this JSONL file.")]
        public string? Jsonl { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            (Text is null) == (Jsonl is null)
                ? Spectre.Console.ValidationResult.Error("give exactly one of --text and --jsonl")
                : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var model = ModelPaths.Require(settings.Model, tokenizerJson: true);
        var tokenizer = ModelPaths.Tokenizer(model);
        if (settings.Add.Length > 0)
        {
            tokenizer = tokenizer.WithAddedTokens(settings.Add, settings.Special, out var warnings);
            foreach (var warning in warnings) Console.Error.WriteLine($"warning: {warning}");
        }
        var texts = settings.Text is { } text ? [text] : JsonlTexts.Read(settings.Jsonl!);
        using var output = StandardOutput.Open();
        foreach (var line in texts)
        {
            cancellation.ThrowIfCancellationRequested();
            var ids = tokenizer.Encode(line, settings.Bos);
            output.WriteLine(StandardOutput.Json(w =>
            {
                w.WriteString("text", line);
                w.WriteNumbers("ids", ids);
            }));
        }
        return CliApp.Ok;
    }
}
