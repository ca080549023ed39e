using System.Text.Json.Nodes;
using Finetune.Pipeline.Stages;
using Finetune.Pipeline.Store;

namespace Finetune.Pipeline.Tests.Stages;

/// <summary><c>save: epoch</c>: the train entry keeps the model of every epoch end, in HF's checkpoint-STEP folders.</summary>
public sealed class EpochCheckpointTests
{
    // 320 rows, 10% test: 288 train rows, 36 micro-batches of 8 an epoch. HF Trainer (4.46-4.49) by hand: 36 // 5 = 7
    // updates an epoch, max_steps = 2 x 7 = 14; epoch 1 runs all 36 micro-batches (7 updates of 5, one of 1) and ends at
    // step 8; epoch 2 stops at max_steps, step 14.
    private static string TwoEpochs(string recipe) => recipe
        .Replace("test_fraction: 0.1", "test_fraction: 0.1\n  take: 320")
        .Replace("epochs: 3", "epochs: 2")
        .Replace("gradient_accumulation: 1", "gradient_accumulation: 5")
        .Replace("eval_every: 50", "eval_every: 100");

    [Fact]
    public void Two_epochs_keep_checkpoint_8_and_14_and_the_last_is_the_final_model()
    {
        var kit = new StageTestKit(TwoEpochs);
        kit.Run("train");
        var entry = kit.Entry("train");
        var checkpoints = Path.Combine(entry, TrainStage.CheckpointsFolder);
        Assert.Equal(["checkpoint-14", "checkpoint-8"], Directory.GetDirectories(checkpoints).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var final = Path.Combine(entry, TrainStage.ModelFolder);
        foreach (var file in new[] { "model.safetensors", "config.json" })
            Assert.True(File.ReadAllBytes(Path.Combine(final, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(checkpoints, "checkpoint-14", file))),
                $"checkpoint-14/{file} differs from the final model's");
        Assert.False(File.ReadAllBytes(Path.Combine(final, "model.safetensors")).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(checkpoints, "checkpoint-8", "model.safetensors"))),
            "checkpoint-8 should hold the weights after epoch 1, not the final ones");

        var manifest = StoreManifest.FromJson(JsonNode.Parse(File.ReadAllText(Path.Combine(entry, StoreManifest.FileName)))!.AsObject());
        var listed = manifest.Files.Select(f => f.Path.Replace('\\', '/')).ToHashSet(StringComparer.Ordinal);
        foreach (var step in new[] { 8, 14 })
        foreach (var file in new[] { "model.safetensors", "config.json" })
            Assert.Contains($"checkpoints/checkpoint-{step}/{file}", listed);
    }
}
