using System.Text.Json;
using System.Text.Json.Nodes;
using CliWrap;
using CliWrap.Buffered;
using Finetune.Testing;

namespace Finetune.Tool.Tests.LlamaCpp;

/// <summary>
/// Real llama.cpp through the npm package node-llama-cpp (pinned; its prebuilt CPU binaries), installed once into a
/// cache folder outside the repository ($XDG_CACHE_HOME or ~/.cache, finetune-tests/). Node is required: a machine
/// without it fails these tests rather than skipping them.
/// </summary>
internal static class LlamaCpp
{
    public const string Version = "3.21.1";
    private static readonly SemaphoreSlim Gate = new(1, 1);

    private static string InstallDir
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "finetune-tests", $"node-llama-cpp-{Version}");
        }
    }

    private static string Script => Path.Combine(TestPaths.RepoRoot, "tests", "Finetune.Tool.Tests", "LlamaCpp", "llama-cpp-check.mjs");

    /// <summary>Tokenizes <paramref name="texts"/> (special tokens parsed, no BOS) and continues <paramref name="promptIds"/> greedily.</summary>
    public static async Task<(List<int[]> Tokens, int[] Generated)> Run(string model, IReadOnlyList<string> texts, IReadOnlyList<int> promptIds, int maxTokens, bool vocabOnly = false)
    {
        var dir = await EnsureInstalled();
        var request = Path.Combine(TestPaths.NewTempDir("ft-llamacpp"), "request.json");
        File.WriteAllText(request, JsonSerializer.Serialize(new { model = Path.GetFullPath(model), texts, prompt_ids = promptIds, max_tokens = maxTokens, vocab_only = vocabOnly }));
        var r = await Cli.Wrap("node").WithArguments([Script, dir, request])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        Assert.True(r.ExitCode == 0, $"llama.cpp (node-llama-cpp {Version}) failed on {model}:\n{r.StandardError}{r.StandardOutput}");
        var json = JsonNode.Parse(r.StandardOutput.Trim().Split('\n')[^1])!;
        return ([.. json["tokens"]!.AsArray().Select(t => t!.AsArray().Select(i => (int)i!).ToArray())],
            [.. json["generated"]!.AsArray().Select(i => (int)i!)]);
    }

    private static async Task<string> EnsureInstalled()
    {
        var dir = InstallDir;
        await Gate.WaitAsync();
        try
        {
            var node = await Which("node");
            Assert.True(node, "these tests need Node.js (node and npm on PATH, v20 or later) to run llama.cpp through node-llama-cpp");
            if (File.Exists(Path.Combine(dir, "node_modules", "node-llama-cpp", "package.json"))) return dir;
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "package.json"), """{"name": "finetune-tests-llama-cpp", "private": true}""");
            // The package's install script would try to download or build llama.cpp: skip it and take the prebuilt binaries package of this platform.
            var r = await Cli.Wrap("npm")
                .WithArguments(["install", "--no-audit", "--no-fund", "--omit=optional", "--ignore-scripts", $"node-llama-cpp@{Version}", $"@node-llama-cpp/{Platform()}@{Version}"])
                .WithWorkingDirectory(dir)
                .WithEnvironmentVariables(e => e.Set("NODE_LLAMA_CPP_SKIP_DOWNLOAD", "true"))
                .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            Assert.True(r.ExitCode == 0, $"npm install node-llama-cpp@{Version} into {dir} failed:\n{r.StandardError}");
            return dir;
        }
        finally
        {
            Gate.Release();
        }
    }

    private static async Task<bool> Which(string program)
    {
        try
        {
            var r = await Cli.Wrap(program).WithArguments("--version").WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            return r.ExitCode == 0;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>node-llama-cpp's prebuilt-binary package name for this machine.</summary>
    private static string Platform()
    {
        var arch = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "x64";
        if (OperatingSystem.IsMacOS()) return arch == "arm64" ? "mac-arm64-metal" : "mac-x64";
        if (OperatingSystem.IsWindows()) return $"win-{arch}";
        return $"linux-{arch}";
    }
}
