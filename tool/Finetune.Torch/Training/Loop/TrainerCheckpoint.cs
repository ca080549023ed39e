using System.Text.Json;
using System.Text.Json.Serialization;
using Finetune.Torch.IO;
using static TorchSharp.torch;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;

namespace Finetune.Torch.Training.Loop;

/// <summary>
/// Checkpoints under <c>&lt;work&gt;/checkpoints/step-NNNNNNNN/</c>: <c>model.safetensors</c> (weights),
/// <c>optimizer.safetensors</c> (the optimizer's <c>StateDict()</c>), <c>trainer_state.json</c> (step,
/// data position, elapsed time) and <c>metrics.jsonl</c> (the metrics up to that step). Each is written into
/// a temp folder that is renamed into place only when complete; older checkpoints are deleted only after
/// that, so a crash at any point leaves the last good one.
/// The safetensors writer has no U8 type, so 8-bit optimizer codes are stored as F16 (exact for 0..255).
/// </summary>
public static class TrainerCheckpoint
{
    public const string FolderName = "checkpoints";
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "trainer_state.json";
    public const string MetricsFile = "metrics.jsonl";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The newest complete checkpoint folder in <paramref name="workDir"/>, or null.</summary>
    public static string? Latest(string workDir)
    {
        var root = Path.Combine(workDir, FolderName);
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root, "step-*")
            .Where(d => File.Exists(Path.Combine(d, StateFile)))
            .OrderBy(d => d, StringComparer.Ordinal)
            .LastOrDefault();
    }

    /// <param name="weights">the trained weights by Hugging Face name (the model's, or its fp32 masters)</param>
    public static string Save(string workDir, IEnumerable<KeyValuePair<string, Tensor>> weights, ITrainingOptimizer optimizer, TrainerState state, string metricsPath)
    {
        var root = Path.Combine(workDir, FolderName);
        var final = Path.Combine(root, $"step-{state.Step:D8}");
        var temp = Path.Combine(root, $".tmp-step-{state.Step:D8}");
        if (Directory.Exists(root))
            foreach (var stale in Directory.GetDirectories(root, ".tmp-step-*")) Directory.Delete(stale, recursive: true);  // left by a crash
        Directory.CreateDirectory(temp);
        SafetensorsWriter.Write(Path.Combine(temp, ModelFile), weights);
        SaveOptimizer(Path.Combine(temp, OptimizerFile), optimizer);
        if (File.Exists(metricsPath)) File.Copy(metricsPath, Path.Combine(temp, MetricsFile));
        File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(state, Json) + "\n");
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temp, final);
        foreach (var old in Directory.GetDirectories(root, "step-*").Where(d => !string.Equals(d, final, StringComparison.Ordinal)))
            Directory.Delete(old, recursive: true);
        return final;
    }

    public static TrainerState ReadState(string checkpoint)
    {
        var path = Path.Combine(checkpoint, StateFile);
        try
        {
            return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), Json)
                ?? throw new CheckpointException(path, "empty trainer state");
        }
        catch (JsonException e)
        {
            throw new CheckpointException(path, $"not a valid trainer state ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>Loads weights (through <paramref name="loadWeights"/>) and optimizer state from <paramref name="checkpoint"/>.</summary>
    public static void Load(string checkpoint, Action<ITensorSource> loadWeights, ITrainingOptimizer optimizer)
    {
        using (var weights = SafetensorsFile.Open(Path.Combine(checkpoint, ModelFile)))
            loadWeights(weights);
        using var file = SafetensorsFile.Open(Path.Combine(checkpoint, OptimizerFile));
        using var scope = NewDisposeScope();
        var live = optimizer.StateDict();
        var saved = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, target) in live)
        {
            if (!file.Contains(name)) continue;   // LoadStateDict names the missing tensor
            var stored = file.Read(name);
            saved[name] = target.dtype == ScalarType.Byte ? stored.to(ScalarType.Byte) : stored;
        }
        optimizer.LoadStateDict(saved);
    }

    private static void SaveOptimizer(string path, ITrainingOptimizer optimizer)
    {
        using var scope = NewDisposeScope();
        var tensors = optimizer.StateDict()
            .Select(kv => new KeyValuePair<string, Tensor>(kv.Key, kv.Value.dtype == ScalarType.Byte ? kv.Value.to(ScalarType.Float16) : kv.Value))
            .ToList();
        SafetensorsWriter.Write(path, tensors);
    }
}
