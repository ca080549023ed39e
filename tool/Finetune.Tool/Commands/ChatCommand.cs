using System.ComponentModel;
using System.Text;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;
using Finetune.Tool.Output;
using Finetune.Torch.Inference;
using Finetune.Torch.Models;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune chat FOLDER [PROMPT]</c>: chat with an exported model (its folder or its .gguf file), streaming tokens; the think
/// part is dimmed and the answer part bold on a terminal. With PROMPT it answers once and exits.
/// </summary>
public sealed class ChatCommand : Command<ChatCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandArgument(0, "<FOLDER>")]
        [Description("An exported Hugging Face folder or .gguf file (or any model folder or .gguf with a chat template).")]
        public string Folder { get; init; } = "";

        [CommandArgument(1, "[PROMPT]")]
        [Description("Answer this one prompt and exit; without it, read prompts from stdin until an empty line or EOF.")]
        public string? Prompt { get; init; }

        [CommandOption("--max-new-tokens <N>")]
        [DefaultValue(256)]
        public int MaxNewTokens { get; init; } = 256;

        [CommandOption("--temperature <T>")]
        [Description("0 = greedy.")]
        [DefaultValue(0.0)]
        public double Temperature { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        if (!Directory.Exists(settings.Folder) && !(File.Exists(settings.Folder) && settings.Folder.EndsWith(".gguf", StringComparison.OrdinalIgnoreCase)))
            throw new UserInputException($"{settings.Folder}: no such model folder or .gguf file");
        var tokenizer = ModelPaths.Tokenizer(settings.Folder);
        var template = ModelPaths.ChatTemplate(settings.Folder, tokenizer);
        var (model, eos) = ModelPaths.ForGeneration(settings.Folder, tokenizer, ScalarType.Float32);
        using var _ = model;
        var history = new List<object>();
        bool color = !System.Console.IsOutputRedirected;
        foreach (var prompt in Prompts(settings.Prompt))
        {
            cancellation.ThrowIfCancellationRequested();
            history.Add(new Dictionary<string, object?> { ["role"] = "user", ["content"] = prompt });
            var text = template.RenderMessages(history, addGenerationPrompt: true, tokenizer.BosToken, tokenizer.EosToken).Text;
            var promptIds = tokenizer.EncodeRendered(text);
            var printer = new StreamPrinter(new IncrementalDecoder(tokenizer, promptIds), color);
            var ids = Finetune.Torch.Inference.Generator.Generate(model, promptIds,
                new GenerationOptions { MaxNewTokens = settings.MaxNewTokens, Temperature = settings.Temperature, EosTokenIds = eos },
                id =>
                {
                    cancellation.ThrowIfCancellationRequested(); // Ctrl-C stops the reply at the next token
                    printer.Add(id);
                });
            printer.Finish();
            var reply = tokenizer.Decode(ids.Where(i => !eos.Contains(i)));
            history.Add(new Dictionary<string, object?> { ["role"] = "assistant", ["content"] = reply });
        }
        return CliApp.Ok;
    }

    private static IEnumerable<string> Prompts(string? once)
    {
        if (once != null)
        {
            yield return once;
            yield break;
        }
        while (true)
        {
            if (!System.Console.IsInputRedirected) System.Console.Error.Write("> ");
            string? line;
            using (Interrupt.Idle()) // waiting for the user: Ctrl-C ends the chat at once
                line = System.Console.ReadLine();
            if (string.IsNullOrWhiteSpace(line)) yield break;
            yield return line;
        }
    }

    /// <summary>Prints the reply as the decoder releases it, dimming the think part and bolding the answer on a terminal.</summary>
    private sealed class StreamPrinter(IncrementalDecoder decoder, bool color)
    {
        private const string Dim = "\u001b[2m", Bold = "\u001b[1m", Reset = "\u001b[0m";
        private string _style = "";

        public void Add(int id) => Write(decoder.Add(id));

        public void Finish()
        {
            Write(decoder.Flush());
            System.Console.Out.Write(color && _style.Length > 0 ? Reset + "\n" : "\n");
            System.Console.Out.Flush();
        }

        private void Write(string piece)
        {
            if (piece.Length == 0) return;
            if (!color)
            {
                System.Console.Out.Write(piece);
                return;
            }
            var sb = new StringBuilder();
            foreach (var part in SplitTags(piece))
            {
                if (part is "<think>") _style = Dim;
                else if (part is "<answer>") _style = Bold;
                sb.Append(_style).Append(part);
                if (part is "</think>" or "</answer>") { _style = ""; sb.Append(Reset); }
            }
            System.Console.Out.Write(sb.ToString());
            System.Console.Out.Flush();
        }

        private static IEnumerable<string> SplitTags(string piece)
        {
            int start = 0;
            foreach (var tag in TagPositions(piece))
            {
                if (tag.Index > start) yield return piece[start..tag.Index];
                yield return tag.Value;
                start = tag.Index + tag.Value.Length;
            }
            if (start < piece.Length) yield return piece[start..];
        }

        private static IEnumerable<(int Index, string Value)> TagPositions(string piece) =>
            System.Text.RegularExpressions.Regex.Matches(piece, "</?(think|answer)>").Select(m => (m.Index, m.Value));
    }
}
