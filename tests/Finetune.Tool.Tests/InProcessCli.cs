using System.Text;

namespace Finetune.Tool.Tests;

/// <summary>
/// Runs the CLI entry point in this process with stdout and stderr captured: the same code path as the built
/// tool without a process start per case. Console redirection is process-wide, so callers share one collection.
/// </summary>
internal static class InProcessCli
{
    public static async Task<(int Exit, string Stdout, string Stderr)> Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var stdout = new StringWriter(new StringBuilder());
        var stderr = new StringWriter(new StringBuilder());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var exit = await CliApp.RunAsync(args);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
