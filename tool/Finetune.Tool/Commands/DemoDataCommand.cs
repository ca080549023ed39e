using System.ComponentModel;
using Finetune.Pipeline.Data;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>
/// <c>dotnet finetune demo-data --count N --seed S --out FILE</c>: writes the demo reasoning dataset
/// (recipes/data/demo-reasoning.jsonl is <c>--count 2000 --seed 7</c>).
/// </summary>
public sealed class DemoDataCommand : Command<DemoDataCommand.Settings>
{
    public sealed class Settings : GlobalSettings
    {
        [CommandOption("--count <N>")]
        [Description("Rows to write.")]
        [DefaultValue(2000)]
        public int Count { get; init; } = 2000;

        [CommandOption("--seed <S>")]
        [Description("Seed of the generator; the same count and seed give the same bytes.")]
        [DefaultValue(7)]
        public int Seed { get; init; } = 7;

        [CommandOption("--out <FILE>")]
        [Description("The JSONL file to write (folders are created).")]
        public string? Out { get; init; }

        public override Spectre.Console.ValidationResult Validate() =>
            Out is null ? Spectre.Console.ValidationResult.Error("--out FILE is required")
            : Count < 0 ? Spectre.Console.ValidationResult.Error("--count must be 0 or more")
            : Spectre.Console.ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellation)
    {
        Finetune.Pipeline.Publishing.OutputFile.Write(settings.Out!, stream => DemoDataGenerator.WriteJsonl(DemoDataGenerator.Generate(settings.Count, settings.Seed), stream));
        Console.Error.WriteLine($"wrote {settings.Count} rows to {settings.Out}");
        return CliApp.Ok;
    }
}
