using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;


namespace Finetune.Torch.Tests.Training.Loop;

public sealed class LrScheduleTests
{
    [Theory]
    [InlineData(0.1, 95, 10)]    // ceil(9.5)
    [InlineData(0.1, 100, 10)]   // 10.0 exactly
    [InlineData(0.07, 100, 8)]   // Python: 100 * 0.07 == 7.000000000000001, so math.ceil gives 8
    [InlineData(0.0, 100, 0)]
    [InlineData(1.0, 7, 7)]
    public void Warmup_steps_are_ceil_of_ratio_times_total_as_transformers(double ratio, long total, long expected) =>
        Assert.Equal(expected, LrSchedule.WarmupStepsFromRatio(ratio, total));

    [Fact]
    public void Warmup_ratio_outside_zero_to_one_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LrSchedule.WarmupStepsFromRatio(1.5, 10));

    [Theory]
    [InlineData(0, 0.0)]      // the first update has lr 0
    [InlineData(5, 0.5)]      // 5 / 10
    [InlineData(10, 1.0)]     // (100 - 10) / 90
    [InlineData(55, 0.5)]     // (100 - 55) / 90
    [InlineData(99, 1.0 / 90)]
    [InlineData(100, 0.0)]
    [InlineData(120, 0.0)]    // clamped at 0 past the end
    public void Linear_warms_up_then_falls_to_zero(long step, double expected) =>
        Assert.Equal(expected, new LrSchedule(ScheduleKind.Linear, 10, 100).Multiplier(step), 12);

    [Theory]
    [InlineData(4, 0.4)]
    [InlineData(10, 1.0)]
    [InlineData(35, 0.8535533905932737)]  // progress 25/100: 0.5 * (1 + cos(pi/4))
    [InlineData(60, 0.5)]                 // progress 1/2: 0.5 * (1 + cos(pi/2))
    [InlineData(85, 0.14644660940672627)] // progress 3/4: 0.5 * (1 + cos(3pi/4))
    [InlineData(110, 0.0)]
    public void Cosine_with_half_a_cycle_follows_the_half_cosine(long step, double expected) =>
        Assert.Equal(expected, new LrSchedule(ScheduleKind.Cosine, 10, 110).Multiplier(step), 12);

    [Theory]
    [InlineData(0, 0.0)]
    [InlineData(3, 0.75)]
    [InlineData(4, 1.0)]
    [InlineData(1000, 1.0)]
    public void Constant_warms_up_then_holds(long step, double expected) =>
        Assert.Equal(expected, new LrSchedule(ScheduleKind.Constant, 4, 50).Multiplier(step), 12);

    [Fact]
    public void Without_warmup_the_first_step_has_the_full_rate() =>
        Assert.Equal(1.0, LrSchedule.FromRatio(ScheduleKind.Linear, 0.0, 10).Multiplier(0));
}
