using System.Text.RegularExpressions;
using Finetune.Testing;

namespace Finetune.Text.Tests.Testing;

/// <summary>
/// Every checked-in snapshot is where Verify.Xunit would look for it: <c>&lt;TestClass&gt;.&lt;Method&gt;.verified.txt</c>
/// beside the class's source file, so moving to Verify is a package swap (README "Tests").
/// </summary>
public sealed class SnapshotConventionTests
{
    [Fact]
    public void Verified_files_are_named_after_their_test_class_and_method_beside_the_class()
    {
        var tests = Path.Combine(TestPaths.RepoRoot, "tests");
        var verified = Directory.EnumerateFiles(tests, "*.verified.*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(verified);
        foreach (var file in verified)
        {
            var parts = Path.GetFileName(file).Split('.');
            Assert.True(parts is [_, _, "verified", "txt"], $"{file}: expected <TestClass>.<Method>.verified.txt");
            var source = Path.Combine(Path.GetDirectoryName(file)!, parts[0] + ".cs");
            Assert.True(File.Exists(source), $"{file}: no {parts[0]}.cs beside it");
            var code = File.ReadAllText(source);
            Assert.Matches($@"\bclass {Regex.Escape(parts[0])}\b", code);
            Assert.Matches($@"\b{Regex.Escape(parts[1])}\s*\(", code);
        }
    }
}
