namespace Finetune.Tool.Tests;

/// <summary>Tests that redirect the process's console run one at a time, apart from the rest.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}
