using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Finetune.Text.Tokenizers;
using Finetune.Torch.Inference;
using Finetune.Torch.Models;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune score --model PATH (--text T [--bos] | --ids 1,2,3) [--json]</c>: the teacher-forced
/// log-probability of each token given the ones before it (n ids give n-1 values), from the model in fp32.
/// </summary>
public sealed class ScoreCommand : Command<ScoreCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--model <PATH>")]
        [Description("A Hugging Face model folder or a .gguf file.")]
        public string? Model { get; init; }

        [CommandOption("--text <TEXT>")]
        [Description("Score this text, encoded with the model's tokenizer.")]
        public string? Text { get; init; }

        [CommandOption("--bos")]
        [Description("With --text: add the beginning-of-sequence token first.")]
        public bool Bos { get; init; }

        [CommandOption("--ids <IDS>")]
        [Description("Score these token ids (comma-separated).")]
        public string? Ids { get; init; }

        [CommandOption("--json")]
        [Description("Print {\"ids\": [...], \"token_logprobs\": [...]} instead of a table.")]
        public bool Json { get; init; }

        public override Spectre.Console.ValidationResult Validate()
        {
            if ((Text is null) == (Ids is null))
                return Spectre.Console.ValidationResult.Error("give exactly one of --text and --ids");
            if (Bos && Ids is not null)
                return Spectre.Console.ValidationResult.Error("--bos goes with --text; with --ids write the BOS id yourself");
            return Spectre.Console.ValidationResult.Success();
        }
    }

    private static readonly JsonSerializerOptions Escaped = new() { Encoder = StandardOutput.JsonOptions.Encoder };

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var path = ModelPaths.Require(settings.Model);
        var tokenizer = settings.Text is null ? null : ModelPaths.Tokenizer(path);
        var ids = tokenizer?.Encode(settings.Text!, settings.Bos) ?? ParseIds(settings.Ids!);
        using var model = CausalLM.Load(path, ScalarType.Float32);
        var vocab = model.Config.VocabSize;
        if (ids.FirstOrDefault(id => id >= vocab, -1) is var bad and >= 0)
            throw new UserInputException($"{(settings.Ids is null ? "--text" : "--ids")}: token id {bad} is outside the model's vocabulary (0..{vocab - 1})");
        var logProbs = Scorer.TokenLogProbs(model, ids);

        using var output = StandardOutput.Open();
        if (settings.Json)
            output.WriteLine(StandardOutput.Json(w =>
            {
                w.WriteNumbers("ids", ids);
                w.WriteNumbers("token_logprobs", logProbs);
            }));
        else
            PrintTable(output, tokenizer ?? TryTokenizer(path), ids, logProbs);
        return CliApp.Ok;
    }

    /// <summary>One row per scored token: position, id, logprob, and the text it adds (JSON-quoted so spaces show).</summary>
    private static void PrintTable(TextWriter output, HfTokenizer? tokenizer, IReadOnlyList<int> ids, float[] logProbs)
    {
        if (logProbs.Length == 0)
        {
            Console.Error.WriteLine("nothing to score: fewer than two tokens");
            return;
        }
        output.WriteLine($"{"pos",5} {"id",8}  {"logprob",10}  token");
        var before = tokenizer?.Decode(ids.Take(1)) ?? "";
        for (int i = 0; i < logProbs.Length; i++)
        {
            var token = "";
            if (tokenizer is not null)
            {
                // Decoding the token alone would lose a SentencePiece leading space: take what it adds to the text before it.
                var upTo = tokenizer.Decode(ids.Take(i + 2));
                token = JsonSerializer.Serialize(upTo.StartsWith(before, StringComparison.Ordinal) ? upTo[before.Length..] : tokenizer.Decode([ids[i + 1]]), Escaped);
                before = upTo;
            }
            output.WriteLine($"{i + 1,5} {ids[i + 1],8}  {logProbs[i].ToString("0.0000", CultureInfo.InvariantCulture),10}  {token}");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean NLL {-logProbs.Average(v => (double)v):0.0000} over {logProbs.Length} tokens"));
    }

    /// <summary>"1,2,3" (spaces allowed) as ids; one line naming the bad item otherwise.</summary>
    internal static IReadOnlyList<int> ParseIds(string text)
    {
        var ids = new List<int>();
        foreach (var part in text.Split(','))
        {
            var item = part.Trim();
            if (!int.TryParse(item, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                throw new UserInputException($"--ids: \"{item}\" is not a token id (expected comma-separated non-negative integers, e.g. 1,403,407)");
            ids.Add(id);
        }
        return ids;
    }

    private static HfTokenizer? TryTokenizer(string path)
    {
        try
        {
            return ModelPaths.Tokenizer(path);
        }
        catch (TokenizerException)
        {
            return null;
        }
    }
}
