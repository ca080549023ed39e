using System.ComponentModel;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>Options every benchmark takes: where its one-line JSON result goes.</summary>
public class BenchSettings : GlobalSettings
{
    [CommandOption("--json")]
    [Description("Print the result as one JSON line on stdout instead of text.")]
    public bool Json { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Also write the JSON result to this file.")]
    public string? Out { get; init; }

    /// <summary>Prints <paramref name="json"/> (with --json) or <paramref name="text"/>, and writes the JSON to --out.</summary>
    public void Report(string json, string text)
    {
        using (var output = StandardOutput.Open())
            output.WriteLine(Json ? json : text);
        if (Out is { } file) Finetune.Pipeline.Publishing.OutputFile.WriteAllText(file, json + "\n");
    }
}
