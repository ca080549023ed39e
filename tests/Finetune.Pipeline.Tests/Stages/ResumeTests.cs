using Finetune.Pipeline.Stages;
using Finetune.Testing;

namespace Finetune.Pipeline.Tests.Stages;

/// <summary><c>run --resume</c>: a training stopped mid-way continues from its last checkpoint to the same weights.</summary>
public sealed class ResumeTests
{
    private static string Shorter(string recipe) => recipe
        .Replace("test_fraction: 0.1", "test_fraction: 0.1\n  take: 320")   // 288 train rows: 36 steps an epoch at batch 8
        .Replace("epochs: 3", "epochs: 2")
        .Replace("save: epoch", "save: steps 10")
        .Replace("log_every: 10", "log_every: 1");

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

    [Fact]
    public void A_cancelled_training_resumed_ends_bit_identical_to_an_uninterrupted_one()
    {
        var whole = new StageTestKit(Shorter);
        whole.Run();
        var expected = File.ReadAllBytes(Path.Combine(whole.Entry("train"), TrainStage.ModelFolder, "model.safetensors"));

        var broken = new StageTestKit(Shorter);
        using (var cts = new CancellationTokenSource())
        {
            Assert.ThrowsAny<OperationCanceledException>(() =>
                broken.Run(new RunOptions { Only = "train", Cancellation = cts.Token }, new StopAfter(cts, 23)));
        }
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.Combine(broken.Store, "train")), d => !Path.GetFileName(d).StartsWith('.'));
        var work = Directory.EnumerateDirectories(Path.Combine(broken.Store, "train", ".work")).Single();
        Assert.True(Directory.Exists(Path.Combine(work, "checkpoints")), "the stopped run left its checkpoint");

        var resumed = new List<string>();
        broken.Run(new RunOptions { Only = "train", Resume = true }, new Recorder(resumed));
        Assert.Contains(resumed, m => m.StartsWith("resuming at step 20 of 72", StringComparison.Ordinal));
        var actual = File.ReadAllBytes(Path.Combine(broken.Entry("train"), TrainStage.ModelFolder, "model.safetensors"));
        Assert.True(expected.AsSpan().SequenceEqual(actual), "resumed weights differ from the uninterrupted run's");
    }

    private sealed class Recorder(List<string> lines) : StageTestKit.NullObserver
    {
        public override void Message(string stage, string text) => lines.Add(text);
    }
}
