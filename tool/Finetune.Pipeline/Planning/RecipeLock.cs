using System.Text.Json;
using System.Text.Json.Nodes;
using Finetune.Pipeline.Store;

namespace Finetune.Pipeline.Planning;

/// <summary>
/// <c>&lt;recipe&gt;.lock</c> beside the recipe: for each stage of the last successful run, its key and the
/// inputs that made it (sorted, written via a temp file and a rename). Plan diffs against it.
/// </summary>
public sealed class RecipeLock
{
    private readonly SortedDictionary<string, (string Key, StageInputs Inputs)> _stages = new(StringComparer.Ordinal);

    public RecipeLock(string path) => Path = path;

    public string Path { get; }

    public static string PathFor(string recipePath) => System.IO.Path.ChangeExtension(recipePath, ".lock");

    public static RecipeLock Load(string path)
    {
        var result = new RecipeLock(path);
        if (Directory.Exists(path))
            throw new PipelineException($"{path}: the recipe's lock file is a folder here; move it away (a run records its stages' keys in this file)");
        if (!File.Exists(path)) return result;
        try
        {
            var stages = JsonNode.Parse(File.ReadAllText(path))?["stages"]?.AsObject();
            foreach (var (name, entry) in stages ?? [])
                result._stages[name] = ((string)entry!["key"]!, StageInputs.FromJson(entry["inputs"]!.AsObject()));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            // An unreadable lock is treated as no lock: every stage says "no previous run recorded".
        }
        return result;
    }

    public StageInputs? Inputs(string stage) => _stages.TryGetValue(stage, out var e) ? e.Inputs : null;

    public string? Key(string stage) => _stages.TryGetValue(stage, out var e) ? e.Key : null;

    public IEnumerable<(string Stage, string Key)> Entries => _stages.Select(p => (p.Key, p.Value.Key));

    public void Record(StageInputs inputs) => _stages[inputs.Stage] = (inputs.Key(), inputs);

    public void Save()
    {
        var stages = new JsonObject();
        foreach (var (name, (key, inputs)) in _stages)
            stages[name] = new JsonObject { ["key"] = key, ["inputs"] = inputs.ToJson() };
        var root = new JsonObject { ["tool_version"] = ArtifactStore.ToolVersion, ["stages"] = stages };
        AtomicFile.WriteAllText(Path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
