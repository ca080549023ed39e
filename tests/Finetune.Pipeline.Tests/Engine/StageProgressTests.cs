using System.Diagnostics;
using Finetune.Pipeline.Stages;

namespace Finetune.Pipeline.Tests.Engine;

public sealed class StageProgressTests
{
    [Fact]
    public void Train_line_shows_step_total_logged_loss_lr_tokens_per_second_and_eta()
    {
        var line = new StageProgress(120, 675, "step", TrainStage.Detail(1.23456, 0.003, 8123.4), TimeSpan.FromSeconds(70), true).Line();
        Assert.Equal("step 120/675  loss 1.2346  lr 3.00e-3  8,123 tok/s  ETA 00:01:10", line);
    }

    [Fact]
    public void Before_the_first_logged_mean_the_loss_is_a_dash()
    {
        Assert.Equal("loss -  lr 1.50e-4  12 tok/s", TrainStage.Detail(double.NaN, 1.5e-4, 12));
    }

    [Fact]
    public void Clock_keeps_hours_past_a_day_and_never_goes_negative()
    {
        Assert.Equal("100:00:00", StageProgress.Clock(TimeSpan.FromHours(100)));
        Assert.Equal("00:00:00", StageProgress.Clock(TimeSpan.FromSeconds(-3)));
        Assert.Equal("01:02:03", StageProgress.Clock(new TimeSpan(1, 2, 3)));
    }

    [Fact]
    public void A_counted_loop_has_a_milestone_every_tenth_but_not_more_often_than_every_10_items()
    {
        var clock = Stopwatch.StartNew();
        List<int> Milestones(int total) => Enumerable.Range(1, total).Where(i => StageProgress.Counting(i, total, "row", clock).Milestone).ToList();
        Assert.Equal([32, 64, 96, 128, 160, 192, 224, 256, 288, 320], Milestones(320));
        Assert.Equal([11, 22, 33, 44, 55, 66, 77, 88, 99], Milestones(105));   // ceil(105 / 10) = 11
        Assert.Equal([10, 20], Milestones(22));
        Assert.Empty(Milestones(8));
        Assert.Equal("row 3/5", StageProgress.Counting(3, 5, "row", new Stopwatch()).Line()[..7]);
        Assert.Null(StageProgress.Counting(0, 5, "row", clock).Eta);
    }

    /// <summary>An observer that only takes messages (as the tests' and older ones do) hears the milestones as lines.</summary>
    [Fact]
    public void Observers_without_a_display_hear_milestones_as_messages()
    {
        var heard = new List<string>();
        IPipelineObserver observer = new MessagesOnly(heard);
        observer.Progress("train", new StageProgress(9, 20, "step", "loss -", null, false));
        observer.Progress("train", new StageProgress(10, 20, "step", "loss 2.0000", TimeSpan.FromSeconds(5), true));
        Assert.Equal(["train: step 10/20  loss 2.0000  ETA 00:00:05"], heard);
    }

    private sealed class MessagesOnly(List<string> heard) : Stages.StageTestKit.NullObserver
    {
        public override void Message(string stage, string text) => heard.Add($"{stage}: {text}");
    }
}
