using System.Text.RegularExpressions;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Publishing;

/// <summary>
/// The tool never deletes what it did not write. Every <c>Delete(</c> in tool/ and tasks/ is listed here with
/// the reason its path is inside the store or a folder the tool marked (or a temp file it just created); a new
/// one fails this test until someone adds it with its reason.
/// </summary>
public sealed partial class DeleteAuditTests
{
    private static readonly Dictionary<string, (int Count, string Why)> Reviewed = new(StringComparer.Ordinal)
    {
        ["tool/Finetune.Pipeline/Store/ArtifactStore.cs"] = (4, "entries, .work/<key> and .tmp-* folders under the store root, found by enumerating it or named by stage and key"),
        ["tool/Finetune.Pipeline/Store/AtomicFile.cs"] = (1, "the .NAME.GUID.tmp file the same call created"),
        ["tool/Finetune.Pipeline/Publishing/Publisher.cs"] = (2, "the fresh sibling temp folder, and the old published folder just checked to hold only files its marker lists"),
        ["tool/Finetune.Pipeline/Publishing/OutputFile.cs"] = (1, "the .NAME.GUID.tmp file the same call created"),
        ["tool/Finetune.Pipeline/Stages/TrainStage.cs"] = (2, "clears run.WorkDir, the store's .work/<key> folder, before a fresh (non --resume) run"),
        ["tool/Finetune.Pipeline/Presets/TinyPretraining.cs"] = (1, "the finetune-pretrain-PID-GUID folder under the system temp folder the same call created"),
        ["tool/Finetune.Text/Gguf/GgufWriter.cs"] = (1, "the PATH.GUID.tmp file the same call created (File.Move does not overwrite)"),
        ["tool/Finetune.Torch/Training/Loop/TrainerCheckpoint.cs"] = (3, "only checkpoints/step-* and checkpoints/.tmp-step-* folders the trainer names under its work folder; its callers pass the store's .work/<key> (TrainStage) or a fresh GUID temp folder (TinyPretraining)"),
    };

    [Fact]
    public void Every_delete_in_tool_and_tasks_is_reviewed()
    {
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var top in new[] { "tool", "tasks" })
        foreach (var file in Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, top), "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(TestPaths.RepoRoot, file).Replace('\\', '/');
            if (relative.Contains("/obj/", StringComparison.Ordinal) || relative.Contains("/bin/", StringComparison.Ordinal)) continue;
            var count = File.ReadLines(file).Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)).Sum(l => DeleteCall().Matches(l).Count);
            if (count > 0) found[relative] = count;
        }
        Assert.Equal(
            Reviewed.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key}: {r.Value.Count}"),
            found.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key}: {f.Value}"));
    }

    [GeneratedRegex(@"\bDelete\(")]
    private static partial Regex DeleteCall();
}
