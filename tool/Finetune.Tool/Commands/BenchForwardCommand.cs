using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Finetune.Torch;
using Finetune.Torch.Models;
using Spectre.Console.Cli;
using static TorchSharp.torch;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune bench forward --model PATH --batch B --seq S [--steps N] [--dtype fp32|bf16] [--json] [--out FILE]</c>:
/// forward passes over random ids under no_grad (one untimed warm-up), reporting tokens/s and peak RSS.
/// </summary>
public sealed class BenchForwardCommand : Command<BenchForwardCommand.Settings>
{
    public sealed class Settings : BenchSettings
    {
        [CommandOption("--model <PATH>")]
        [Description("A Hugging Face model folder or a .gguf file.")]
        public string? Model { get; init; }

        [CommandOption("--batch <B>")]
        [DefaultValue(1)]
        public int Batch { get; init; } = 1;

        [CommandOption("--seq <S>")]
        [DefaultValue(128)]
        public int Seq { get; init; } = 128;

        [CommandOption("--steps <N>")]
        [Description("Timed forward passes after the warm-up.")]
        [DefaultValue(5)]
        public int Steps { get; init; } = 5;

        [CommandOption("--dtype <DTYPE>")]
        [Description("fp32 (default) or bf16.")]
        [DefaultValue("fp32")]
        public string DType { get; init; } = "fp32";

        public override Spectre.Console.ValidationResult Validate() =>
            Batch < 1 || Seq < 1 || Steps < 1 ? Spectre.Console.ValidationResult.Error("--batch, --seq and --steps must be at least 1")
            : DType is not ("fp32" or "bf16") ? Spectre.Console.ValidationResult.Error($"--dtype {DType}: expected fp32 or bf16")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        var path = ModelPaths.Require(settings.Model);
        var dtype = settings.DType == "bf16" ? ScalarType.BFloat16 : ScalarType.Float32;
        using var model = CausalLM.Load(path, dtype);
        model.eval();
        using var _ = no_grad();
        var generator = new TorchSharp.torch.Generator(0);
        using var ids = randint(0, model.Config.VocabSize, [settings.Batch, settings.Seq], dtype: ScalarType.Int64, generator: generator); // (B, S)

        Step(model, ids);
        var clock = Stopwatch.StartNew();
        for (int step = 0; step < settings.Steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            Step(model, ids);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        double tokensPerSecond = (double)settings.Batch * settings.Seq * settings.Steps / seconds;
        var peak = ProcessMemory.PeakRssBytes();
        var json = StandardOutput.Json(w =>
        {
            w.WriteString("bench", "forward");
            w.WriteString("model", path);
            w.WriteString("dtype", settings.DType);
            w.WriteNumber("batch", settings.Batch);
            w.WriteNumber("seq", settings.Seq);
            w.WriteNumber("steps", settings.Steps);
            w.WriteNumber("seconds", seconds);
            w.WriteNumber("step_ms", seconds * 1000 / settings.Steps);
            w.WriteNumber("tokens_per_s", tokensPerSecond);
            if (peak is { } bytes) w.WriteNumber("peak_rss_bytes", bytes);
            else w.WriteNull("peak_rss_bytes");
            w.WriteNumber("threads", get_num_threads());
        });
        var rss = peak is { } b ? CacheListCommand.Human(b) : "unknown";
        settings.Report(json, string.Create(CultureInfo.InvariantCulture,
            $"forward: batch {settings.Batch} x seq {settings.Seq}, {settings.DType}, {settings.Steps} steps in {seconds:0.000} s: {tokensPerSecond:N0} tokens/s, {seconds * 1000 / settings.Steps:0.0} ms/step, peak RSS {rss}"));
        return CliApp.Ok;
    }

    private static void Step(CausalLM model, Tensor ids)
    {
        using var scope = NewDisposeScope();
        model.forward(ids).sum().to_type(ScalarType.Float32).item<float>(); // reading a value waits for the pass to finish
    }
}
