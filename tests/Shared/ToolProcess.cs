using CliWrap;
using CliWrap.Buffered;

namespace Finetune.Testing;

/// <summary>Runs the built CLI out of process, as a user would, and captures exit code and output.</summary>
internal static class ToolProcess
{
    public static async Task<BufferedCommandResult> Run(string workingDirectory, params string[] args) =>
        await Cli.Wrap("dotnet")
            .WithArguments([TestPaths.ToolDll, .. args])
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(e => e.Set("FINETUNE_STORE", null))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
}
