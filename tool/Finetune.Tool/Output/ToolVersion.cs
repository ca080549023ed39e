using System.Reflection;

namespace Finetune.Tool.Output;

/// <summary>
/// The tool's version as <c>--version</c> and the help header print it: the package version, and the
/// commit it was built from when the build knew it (<c>0.1.0+7b623f19daf1</c>).
/// </summary>
public static class ToolVersion
{
    public static string Current { get; } = Read();

    private static string Read()
    {
        var assembly = typeof(ToolVersion).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        if (string.IsNullOrEmpty(informational))
            return assembly.GetName().Version?.ToString(3) ?? "0.0.0";
        // The SDK appends the full commit hash (+40 hex digits); 12 of them identify a commit.
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 && informational.Length > plus + 13 ? informational[..(plus + 13)] : informational;
    }
}
