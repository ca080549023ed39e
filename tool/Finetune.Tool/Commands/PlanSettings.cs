using System.ComponentModel;
using Spectre.Console.Cli;

namespace Finetune.Tool.Commands;

/// <summary>Options of <c>plan</c>: a recipe and its store, and optionally another run's lock to compare with.</summary>
public sealed class PlanSettings : RecipeSettings
{
    [CommandOption("--against <LOCK>")]
    [Description("Say why each stage differs from the run recorded in this lock file (e.g. another recipe's .lock) instead of the recipe's own.")]
    public string? Against { get; init; }
}
