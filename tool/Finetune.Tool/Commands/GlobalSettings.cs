using System.ComponentModel;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>Options every command takes.</summary>
public class GlobalSettings : CommandSettings
{
    [CommandOption("--verbose")]
    [Description("Show stack traces for errors.")]
    public bool Verbose { get; init; }
}
