using Finetune.Testing;

namespace Finetune.Text.Tests.Testing;

public sealed class SnapshotTests
{
    private readonly string _dir = TestPaths.NewTempDir();
    private string SourceFile => Path.Combine(_dir, "SomeTests.cs");

    [Fact]
    public void Matching_snapshot_passes_and_removes_a_stale_received_file()
    {
        File.WriteAllText(Path.Combine(_dir, "SomeTests.Member.verified.txt"), "line 1\r\nline 2\n");
        File.WriteAllText(Path.Combine(_dir, "SomeTests.Member.received.txt"), "old");
        Snapshot.Verify("line 1\nline 2\n", SourceFile, "Member", ci: true);
        Assert.False(File.Exists(Path.Combine(_dir, "SomeTests.Member.received.txt")));
    }

    [Fact]
    public void Mismatch_writes_received_and_names_the_first_differing_line()
    {
        File.WriteAllText(Path.Combine(_dir, "SomeTests.Member.verified.txt"), "a\nb\nc\n");
        var e = Assert.Throws<SnapshotException>(() => Snapshot.Verify("a\nB\nc\n", SourceFile, "Member", ci: false));
        Assert.Contains("line 2: verified \"b\" but received \"B\"", e.Message);
        Assert.Equal("a\nB\nc\n", File.ReadAllText(Path.Combine(_dir, "SomeTests.Member.received.txt")));
    }

    [Fact]
    public void Missing_snapshot_fails_and_writes_received_for_review_outside_ci()
    {
        var e = Assert.Throws<SnapshotException>(() => Snapshot.Verify("new", SourceFile, "Member", ci: false));
        Assert.StartsWith("new snapshot: review ", e.Message);
        Assert.Equal("new", File.ReadAllText(Path.Combine(_dir, "SomeTests.Member.received.txt")));
    }

    [Fact]
    public void Missing_snapshot_fails_under_ci_without_writing()
    {
        var e = Assert.Throws<SnapshotException>(() => Snapshot.Verify("new", SourceFile, "Member", ci: true));
        Assert.StartsWith("snapshot missing: ", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "SomeTests.Member.received.txt")));
    }
}
