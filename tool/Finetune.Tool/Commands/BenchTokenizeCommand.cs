using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune bench tokenize --model PATH --jsonl FILE [--repeat N] [--json] [--out FILE]</c>: encodes every
/// row once to warm up, then N more times on one thread, and reports rows/s and tokens/s (wall clock), and tokens
/// per CPU second of the process (the fairer number on a shared machine).
/// </summary>
public sealed class BenchTokenizeCommand : Command<BenchTokenizeCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--model <PATH>")]
        [Description("A Hugging Face model folder, its tokenizer.json, or a .gguf file.")]
        public string? Model { get; init; }

        [CommandOption("--jsonl <FILE>")]
        [Description("Rows to encode: one {\"text\": ...} per line.")]
        public string? Jsonl { get; init; }

        [CommandOption("--repeat <N>")]
        [Description("Timed passes over the rows after the warm-up pass.")]
        [DefaultValue(3)]
        public int Repeat { get; init; } = 3;

        public override Spectre.Console.ValidationResult Validate() =>
            Jsonl is null ? Spectre.Console.ValidationResult.Error("--jsonl FILE is required")
            : Repeat < 1 ? Spectre.Console.ValidationResult.Error("--repeat must be at least 1")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var model = ModelPaths.Require(settings.Model, tokenizerJson: true);
        var tokenizer = ModelPaths.Tokenizer(model);
        var rows = JsonlTexts.Read(settings.Jsonl!).ToList();
        if (rows.Count == 0) throw new UserInputException($"{settings.Jsonl}: no rows to encode");
        long tokensPerPass = rows.Sum(r => (long)tokenizer.Encode(r).Count); // the warm-up pass
        long chars = rows.Sum(r => (long)r.Length);

        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long tokens = 0;
        for (int pass = 0; pass < settings.Repeat; pass++)
        {
            cancellation.ThrowIfCancellationRequested();
            foreach (var row in rows) tokens += tokenizer.Encode(row).Count;
        }
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds; // all threads: on a busy machine wall time overstates the cost
        if (tokens != tokensPerPass * settings.Repeat) throw new InvalidOperationException("the tokenizer gave different token counts on repeated passes");

        double rowsPerSecond = rows.Count * (double)settings.Repeat / seconds;
        double tokensPerSecond = tokens / seconds;
        var json = StandardOutput.Json(w =>
        {
            w.WriteString("bench", "tokenize");
            w.WriteString("model", model);
            w.WriteString("input", settings.Jsonl);
            w.WriteNumber("rows", rows.Count);
            w.WriteNumber("tokens", tokensPerPass);
            w.WriteNumber("chars", chars);
            w.WriteNumber("repeat", settings.Repeat);
            w.WriteNumber("seconds", seconds);
            w.WriteNumber("rows_per_s", rowsPerSecond);
            w.WriteNumber("tokens_per_s", tokensPerSecond);
            w.WriteNumber("cpu_seconds", cpuSeconds);
            w.WriteNumber("tokens_per_cpu_s", tokens / cpuSeconds);
            w.WriteNumber("threads", 1);
        });
        settings.Report(json, string.Create(CultureInfo.InvariantCulture,
            $"tokenize: {rows.Count} rows, {tokensPerPass} tokens, x{settings.Repeat} in {seconds:0.000} s: {rowsPerSecond:N0} rows/s, {tokensPerSecond:N0} tokens/s (one thread; {tokens / cpuSeconds:N0} tokens per CPU second)"));
        return CliApp.Ok;
    }
}
