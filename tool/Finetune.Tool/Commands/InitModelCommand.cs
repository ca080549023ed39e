using System.ComponentModel;
using Finetune.Pipeline.Presets;
using Finetune.Pipeline.Publishing;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary><c>dotnet finetune init-model --preset tiny --seed 1 --out DIR</c>: a small deterministic HF model folder.</summary>
public sealed class InitModelCommand : Command<InitModelCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--preset <NAME>")]
        [Description("The model shape: tiny (4 layers, hidden 128, a BPE tokenizer trained on the demo data).")]
        [DefaultValue(TinyModelFactory.Preset)]
        public string Preset { get; init; } = TinyModelFactory.Preset;

        [CommandOption("--seed <SEED>")]
        [Description("Seed of the initial weights and of the pretraining data order.")]
        [DefaultValue(1)]
        public int Seed { get; init; } = 1;

        [CommandOption("--pretrain-steps <N>")]
        [Description("Stop pretraining after N steps (default: the whole corpus, as the committed model was made).")]
        public int? PretrainSteps { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Folder to write (config.json, model.safetensors, tokenizer files).")]
        public string Out { get; init; } = "";

        public override Spectre.Console.ValidationResult Validate() =>
            Preset != TinyModelFactory.Preset ? Spectre.Console.ValidationResult.Error($"--preset {Preset}: unknown preset (known: {TinyModelFactory.Preset})")
            : Out.Length == 0 ? Spectre.Console.ValidationResult.Error("--out DIR is required")
            : PretrainSteps is < 1 ? Spectre.Console.ValidationResult.Error($"--pretrain-steps {PretrainSteps}: must be >= 1")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        // Written like an export: only into a new or empty folder, or one init-model wrote before (its marker).
        var marker = new PublishMarker("init-model", $"preset {settings.Preset} seed {settings.Seed}", new Dictionary<string, string>(), []);
        Publisher.Publish(settings.Out, marker, folder => TinyModelFactory.Create(folder, settings.Seed, TinyModelFactory.DemoTexts(), TinyModelFactory.ChatTemplate(),
            settings.PretrainSteps, line => System.Console.Error.WriteLine(line), cancellation), [], cancellation);
        System.Console.Error.WriteLine($"wrote {settings.Out}");
        return CliApp.Ok;
    }
}
