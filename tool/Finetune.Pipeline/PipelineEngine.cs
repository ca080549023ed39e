using Finetune.Pipeline.Planning;
using Finetune.Pipeline.Store;

namespace Finetune.Pipeline;

/// <summary>
/// Computes each stage's key from its declaration and its upstream keys, and runs the stages whose key
/// the store does not hold. <see cref="Plan"/> is <see cref="Run"/> without the doing.
/// </summary>
public sealed class PipelineEngine
{
    private readonly IReadOnlyList<IStage> _stages;
    private readonly ArtifactStore _store;
    private readonly RecipeLock _lock;

    public PipelineEngine(IReadOnlyList<IStage> stages, ArtifactStore store, RecipeLock recipeLock)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in stages)
        {
            foreach (var up in s.Upstream)
                if (!seen.Contains(up)) throw new ArgumentException($"stage {s.Name} needs {up}, which does not come before it");
            if (!seen.Add(s.Name)) throw new ArgumentException($"stage {s.Name} appears twice");
        }
        _stages = stages;
        _store = store;
        _lock = recipeLock;
    }

    public IReadOnlyList<string> StageNames => _stages.Select(s => s.Name).ToList();

    /// <param name="verify">check cached entries against their manifests (a damaged one "will run")</param>
    /// <param name="cancellation">checked while input files and entries are hashed</param>
    public IReadOnlyList<StagePlan> Plan(bool verify = true, CancellationToken cancellation = default)
    {
        var plans = new List<StagePlan>();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stage in _stages)
        {
            var plan = PlanStage(stage, keys, cancellation);
            if (verify && plan.Cached && _store.Check(stage.Name, plan.Key, cancellation) is { } damage)
                plan = plan with { Cached = false, Reasons = [PlanReason.Damaged($"{stage.Name}/{plan.Key}", damage)] };
            keys[stage.Name] = plan.Key;
            plans.Add(plan);
        }
        _store.Hasher.Save();
        return plans;
    }

    public IReadOnlyList<StagePlan> Run(RunOptions options, IPipelineObserver observer)
    {
        var selected = Select(options.Only);
        foreach (var f in options.Force)
            if (!_stages.Any(s => s.Name == f)) throw new PipelineException($"--force {f}: no such stage (stages: {string.Join(", ", StageNames)})");

        using var storeLock = StoreLock.Acquire(_store.Root, options.LockTimeout, m => observer.Message("store", m), options.Cancellation);
        var plans = new List<StagePlan>();
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var stage in _stages)
        {
            options.Cancellation.ThrowIfCancellationRequested();
            if (!selected.Contains(stage.Name))
            {
                // Not planned either: a later stage's inputs need not exist for --only an earlier one.
                observer.StageSkipped(stage.Name, $"not needed for --only {options.Only}");
                continue;
            }
            var plan = PlanStage(stage, keys, options.Cancellation);
            // A cached entry is checked before anything consumes or publishes it; a damaged one is moved aside and rebuilt.
            if (plan.Cached && options.Verify && _store.Check(stage.Name, plan.Key, options.Cancellation) is { } damage)
            {
                var moved = _store.Quarantine(stage.Name, plan.Key, damage);
                observer.Message(stage.Name, $"store entry {stage.Name}/{plan.Key} is damaged: {damage}; quarantined in {moved}, running {stage.Name} again");
                plan = plan with { Cached = false, Reasons = [PlanReason.Damaged($"{stage.Name}/{plan.Key}", damage)] };
            }
            keys[stage.Name] = plan.Key;
            plans.Add(plan);
            if (plan.Cached && !options.Force.Contains(stage.Name))
            {
                observer.StageCached(plan);
            }
            else
            {
                observer.StageStarting(plan);
                var manifest = _store.Commit(plan.Inputs, dir => stage.Run(new StageRun
                {
                    Stage = stage.Name,
                    Key = plan.Key,
                    OutputDir = dir,
                    WorkDir = Directory.CreateDirectory(_store.WorkPath(stage.Name, plan.Key)).FullName,
                    UpstreamDirs = stage.Upstream.ToDictionary(u => u, u => _store.EntryPath(u, keys[u]), StringComparer.Ordinal),
                    Resume = options.Resume,
                    Observer = observer,
                    Cancellation = options.Cancellation,
                }), options.Cancellation);
                observer.StageFinished(plan, manifest);
            }
            if (stage is IPublishingStage publisher) publisher.Publish(_store.EntryPath(stage.Name, plan.Key), plan, _store.Root, observer, options.Cancellation);
            _lock.Record(plan.Inputs);
            _lock.Save();
        }
        _store.Hasher.Save();
        return plans;
    }

    private StagePlan PlanStage(IStage stage, IReadOnlyDictionary<string, string> keys, CancellationToken cancellation)
    {
        var declaration = stage.Declare();
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (label, path) in declaration.Files)
        {
            if (!File.Exists(path)) throw new PipelineException($"{path}: file not found (stage {stage.Name} reads it as {label})");
            files[label] = _store.Hasher.Hash(path, cancellation);
        }
        var upstream = stage.Upstream.ToDictionary(u => u, u => keys[u], StringComparer.Ordinal);
        var inputs = new StageInputs(stage.Name, stage.Version, declaration.Params, upstream, files);
        var key = inputs.Key();
        bool cached = _store.TryGet(stage.Name, key) != null;
        var reasons = _lock.Key(stage.Name) == key
            ? (cached ? [] : [PlanReason.MissingFromStore(key)])
            : InputDiff.Describe(_lock.Inputs(stage.Name), inputs);
        return new StagePlan(stage.Name, key, inputs, cached, reasons);
    }

    private HashSet<string> Select(string? only)
    {
        if (only == null) return _stages.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        var byName = _stages.ToDictionary(s => s.Name, StringComparer.Ordinal);
        if (!byName.ContainsKey(only)) throw new PipelineException($"--only {only}: no such stage (stages: {string.Join(", ", StageNames)})");
        var set = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>([only]);
        while (todo.Count > 0)
        {
            var name = todo.Pop();
            if (set.Add(name))
                foreach (var up in byName[name].Upstream) todo.Push(up);
        }
        return set;
    }
}
