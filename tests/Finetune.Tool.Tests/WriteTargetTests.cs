using Finetune.Testing;

namespace Finetune.Tool.Tests;

/// <summary>Every place a command writes outside the store follows the publishing rule, and the store commands report plainly.</summary>
public sealed class WriteTargetTests
{
    private readonly string _dir = TestPaths.NewTempDir();

    [Fact]
    public async Task Init_model_refuses_a_folder_with_a_foreign_file_and_rewrites_its_own()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "mine"));
        File.WriteAllText(Path.Combine(_dir, "mine", "notes.txt"), "keep me");
        var refused = await ToolOutput.Run(_dir, "init-model", "--out", "mine");
        Assert.Equal($"error: {Path.Combine(_dir, "mine")}: the folder holds notes.txt, which this tool did not write; publish into a new or empty folder (the tool never deletes files it did not write)", refused.AssertUserError());
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(Path.Combine(_dir, "mine")).Select(Path.GetFileName));

        // A couple of pretraining steps: the point is where it may write, not the model.
        Assert.Equal(0, (await ToolOutput.Run(_dir, "init-model", "--out", "tiny", "--pretrain-steps", "2")).ExitCode);
        var again = await ToolOutput.Run(_dir, "init-model", "--out", "tiny", "--pretrain-steps", "2");
        Assert.True(again.ExitCode == 0, again.StandardError);
    }

    [Fact]
    public async Task Init_model_refuses_the_current_folder()
    {
        File.WriteAllText(Path.Combine(_dir, "recipe.yaml"), "name: x\n");
        var r = await ToolOutput.Run(_dir, "init-model", "--out", ".");
        Assert.Contains("the folder holds recipe.yaml, which this tool did not write", r.AssertUserError());
        Assert.Equal(["recipe.yaml"], Directory.GetFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Out_files_are_never_overwritten()
    {
        File.WriteAllText(Path.Combine(_dir, "demo.jsonl"), "mine\n");
        var r = await ToolOutput.Run(_dir, "demo-data", "--count", "3", "--out", "demo.jsonl");
        Assert.Equal($"error: {Path.Combine(_dir, "demo.jsonl")}: already exists; the tool never overwrites a file it cannot tell it wrote (remove it yourself or choose another --out)", r.AssertUserError());
        Assert.Equal("mine\n", File.ReadAllText(Path.Combine(_dir, "demo.jsonl")));
    }

    [Fact]
    public async Task A_store_that_is_a_file_is_its_own_error()
    {
        File.WriteAllText(Path.Combine(_dir, "store"), "x");
        var r = await ToolOutput.Run(_dir, "cache", "gc", "--store", "store");
        Assert.Equal($"error: {Path.Combine(_dir, "store")}: the store must be a folder, but this is a file (give --store a folder)", r.AssertUserError());
    }

    [Fact]
    public async Task Cache_ls_shows_quarantined_entries_and_gc_says_what_it_freed()
    {
        var key = new string('d', 64);
        var entry = Directory.CreateDirectory(Path.Combine(_dir, "store", ".quarantine", "train", $"{key}-20261207T000000000")).FullName;
        File.WriteAllBytes(Path.Combine(entry, "model.safetensors"), new byte[2048]);
        File.WriteAllText(Path.Combine(entry, "QUARANTINED.txt"), "model/model.safetensors does not match its hash\n");
        var work = Directory.CreateDirectory(Path.Combine(_dir, "store", "train", ".work", new string('e', 64))).FullName;
        File.WriteAllBytes(Path.Combine(work, "step.bin"), new byte[1024]);

        var ls = await ToolOutput.Run(_dir, "cache", "ls", "--store", "store");
        Assert.Equal(0, ls.ExitCode);
        // 2048 bytes of weights + 48 of note = 2096 B = 2.0 KiB
        Assert.Equal("train     dddddddddddd     2.0 KiB  quarantined: model/model.safetensors does not match its hash", Assert.Single(ls.OutputLines));

        var gc = await ToolOutput.Run(_dir, "cache", "gc", "--store", "store");
        Assert.Equal(0, gc.ExitCode);
        Assert.Equal([$"removed {Path.Combine(".quarantine", "train", $"{key}-20261207T000000000")} (2.0 KiB, quarantined: model/model.safetensors does not match its hash)"], gc.OutputLines);
        Assert.Equal("1 removed, 2.0 KiB freed", gc.StandardError.Trim());
        Assert.True(Directory.Exists(work)); // no recipe given: an unfinished key's checkpoints stay
    }
}
