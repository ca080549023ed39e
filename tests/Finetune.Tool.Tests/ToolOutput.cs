using System.Text;
using CliWrap;
using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>One run of the built CLI with its stdout kept as raw bytes (for byte-exact checks) and decoded as UTF-8.</summary>
internal sealed record ToolOutput(int ExitCode, byte[] StdoutBytes, string StandardError)
{
    public string StandardOutput => Encoding.UTF8.GetString(StdoutBytes);

    public string[] OutputLines => StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The lines on stderr (an error should be exactly one).</summary>
    public string[] ErrorLines => StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public static async Task<ToolOutput> Run(string workingDirectory, params string[] args)
    {
        using var stdout = new MemoryStream();
        var stderr = new StringBuilder();
        var result = await Cli.Wrap("dotnet")
            .WithArguments([TestPaths.ToolDll, .. args])
            .WithWorkingDirectory(workingDirectory)
            .WithEnvironmentVariables(e => e.Set("FINETUNE_STORE", null))
            .WithStandardOutputPipe(PipeTarget.ToStream(stdout))
            .WithStandardErrorPipe(PipeTarget.ToStringBuilder(stderr, Encoding.UTF8))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync();
        return new ToolOutput(result.ExitCode, stdout.ToArray(), stderr.ToString());
    }

    /// <summary>Asserts the run failed as a user error: exit 1, one line on stderr starting "error: ", no stack trace.</summary>
    public string AssertUserError()
    {
        Assert.True(ExitCode == 1, $"exit {ExitCode}: {StandardError}");
        var line = Assert.Single(ErrorLines);
        Assert.StartsWith("error: ", line);
        return line;
    }
}
