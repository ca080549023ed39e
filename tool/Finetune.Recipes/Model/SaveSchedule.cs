using System.Globalization;

namespace Finetune.Recipes;

/// <summary>When training saves a checkpoint (<c>train.save</c>): <c>epoch</c>, <c>end</c> or <c>steps N</c>.</summary>
public sealed record SaveSchedule : IRecipeScalar<SaveSchedule>
{
    /// <summary>After every epoch.</summary>
    public static SaveSchedule Epoch { get; } = new() { EverySteps = null, OnlyAtEnd = false };

    /// <summary>Only the final weights.</summary>
    public static SaveSchedule End { get; } = new() { EverySteps = null, OnlyAtEnd = true };

    /// <summary>Optimizer steps between checkpoints; null for <c>epoch</c> and <c>end</c>.</summary>
    public int? EverySteps { get; init; }

    /// <summary>True for <c>end</c>.</summary>
    public bool OnlyAtEnd { get; init; }

    /// <summary>Every <paramref name="steps"/> optimizer steps.</summary>
    public static SaveSchedule Steps(int steps) =>
        steps >= 1 ? new() { EverySteps = steps } : throw new ArgumentOutOfRangeException(nameof(steps), steps, "must be >= 1");

    /// <inheritdoc/>
    public static string Pattern => "^(epoch|end|steps [1-9][0-9]*)$";

    /// <inheritdoc/>
    public static bool TryParse(string text, out SaveSchedule? value, out string error)
    {
        value = null;
        error = "must be `epoch`, `end` or `steps N` with N >= 1";
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts is ["epoch"])
            value = Epoch;
        else if (parts is ["end"])
            value = End;
        else if (parts is ["steps", var n] && int.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var steps) && steps >= 1)
            value = Steps(steps);
        return value != null;
    }

    /// <summary>The canonical spelling: <c>epoch</c>, <c>end</c> or <c>steps N</c>.</summary>
    public override string ToString() =>
        EverySteps is { } n ? $"steps {n.ToString(CultureInfo.InvariantCulture)}" : OnlyAtEnd ? "end" : "epoch";
}
