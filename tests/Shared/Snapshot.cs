using System.Runtime.CompilerServices;
using System.Text;

namespace Finetune.Testing;

/// <summary>
/// Verify-style snapshots: compares text with <c>&lt;TestFile&gt;.&lt;Member&gt;.verified.txt</c> beside the test
/// source file. On a mismatch it writes <c>.received.txt</c> and fails with the first differing line; a missing
/// verified file fails too (under <c>CI=true</c> without writing anything a developer could rename by accident).
/// File names follow Verify's, so Verify.Xunit can replace this helper later.
/// </summary>
internal static class Snapshot
{
    public static void Verify(string text, [CallerFilePath] string file = "", [CallerMemberName] string member = "") =>
        Verify(text, file, member, string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>As <see cref="Verify(string, string, string)"/> with the CI setting given (for the helper's own tests).</summary>
    public static void Verify(string text, string file, string member, bool ci)
    {
        var directory = Path.GetDirectoryName(file)!;
        var stem = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(file)}.{member}");
        var verifiedPath = stem + ".verified.txt";
        var receivedPath = stem + ".received.txt";
        var received = Normalize(text);
        if (!File.Exists(verifiedPath))
        {
            if (ci)
                throw new SnapshotException($"snapshot missing: {verifiedPath} (CI=true: snapshots must be reviewed and checked in)");
            File.WriteAllText(receivedPath, received, new UTF8Encoding(false));
            throw new SnapshotException($"new snapshot: review {receivedPath} and rename it to {Path.GetFileName(verifiedPath)} if it is right");
        }
        var verified = Normalize(File.ReadAllText(verifiedPath));
        if (verified == received)
        {
            if (File.Exists(receivedPath))
                File.Delete(receivedPath);
            return;
        }
        File.WriteAllText(receivedPath, received, new UTF8Encoding(false));
        throw new SnapshotException($"snapshot differs from {verifiedPath}: {FirstDifference(verified, received)}; received written to {receivedPath}");
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string FirstDifference(string verified, string received)
    {
        var a = verified.Split('\n');
        var b = received.Split('\n');
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var left = i < a.Length ? a[i] : "<end of file>";
            var right = i < b.Length ? b[i] : "<end of file>";
            if (left != right)
                return $"line {i + 1}: verified \"{left}\" but received \"{right}\" ({a.Length} vs {b.Length} lines)";
        }
        return "line endings differ";
    }
}
