using System.Text;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Data;

/// <summary>Writes small dataset files for a test, byte for byte as given.</summary>
internal static class DataFiles
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public static string Write(string name, string text, bool bom = false) =>
        Write(TestPaths.NewTempDir("data"), name, text, bom);

    public static string Write(string dir, string name, string text, bool bom = false)
    {
        var path = Path.Combine(dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var bytes = Encoding.UTF8.GetBytes(text);
        File.WriteAllBytes(path, bom ? [.. Bom, .. bytes] : bytes);
        return path;
    }
}
