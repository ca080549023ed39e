using Finetune.Pipeline.Stages;
using Finetune.Torch.Training.Lora;

namespace Finetune.Pipeline.Tests.Stages;

/// <summary>
/// <c>run --resume</c> of a LoRA training with dropout and activation checkpointing: stopped mid-way, it continues
/// from its last checkpoint to the same adapter and merged weights, byte for byte.
/// </summary>
public sealed class LoraResumeTests
{
    private static string Short(string recipe) => LoraPipelineTests.Edit(recipe,
        ("test_fraction: 0.1", "test_fraction: 0.1\n  take: 160"),            // 144 train rows: 18 steps an epoch at batch 8
        ("train:\n  epochs: 3\n", "train:\n  method: lora\n  lora: { rank: 4, alpha: 8, dropout: 0.1, targets: [all-linear], new_rows: train }\n  checkpointing: true\n  epochs: 2\n"),
        ("save: epoch", "save: steps 5"),
        ("log_every: 10", "log_every: 1"));

    /// <summary>Cancels the run once training has reported a step past <paramref name="step"/>.</summary>
    private sealed class StopAfter(CancellationTokenSource cts, int step) : StageTestKit.NullObserver
    {
        public override void Message(string stage, string text)
        {
            if (stage == "train" && text.StartsWith("step ", StringComparison.Ordinal)
                && int.Parse(text[5..text.IndexOf('/')], System.Globalization.CultureInfo.InvariantCulture) > step)
                cts.Cancel();
        }
    }

    private sealed class Recorder(List<string> lines) : StageTestKit.NullObserver
    {
        public override void Message(string stage, string text) => lines.Add(text);
    }

    private static (byte[] Adapter, byte[] Merged) Trained(StageTestKit kit) =>
        (File.ReadAllBytes(Path.Combine(kit.Entry("train"), TrainStage.AdapterFolder, PeftAdapter.WeightsFile)),
         File.ReadAllBytes(Path.Combine(kit.Entry("train"), TrainStage.ModelFolder, "model.safetensors")));

    [Fact]
    public void A_cancelled_LoRA_training_with_dropout_and_checkpointing_resumed_ends_bit_identical()
    {
        var whole = new StageTestKit(Short);
        whole.Run(new RunOptions { Only = "train" }, new StageTestKit.NullObserver());
        var expected = Trained(whole);

        var broken = new StageTestKit(Short);
        using (var cts = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() =>
                broken.Run(new RunOptions { Only = "train", Cancellation = cts.Token }, new StopAfter(cts, 13)));
        }
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.Combine(broken.Store, "train")), d => !Path.GetFileName(d).StartsWith('.'));

        var resumed = new List<string>();
        broken.Run(new RunOptions { Only = "train", Resume = true }, new Recorder(resumed));
        Assert.Contains(resumed, m => m.StartsWith("resuming at step 10 of 36", StringComparison.Ordinal));
        var actual = Trained(broken);
        Assert.True(expected.Adapter.AsSpan().SequenceEqual(actual.Adapter), "resumed adapter differs from the uninterrupted run's");
        Assert.True(expected.Merged.AsSpan().SequenceEqual(actual.Merged), "resumed merged weights differ from the uninterrupted run's");
    }
}
