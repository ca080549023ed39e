namespace Finetune.Torch.Training.Lora;

/// <summary>
/// Settings of a <see cref="LoraAdapter"/>; defaults are the recipe's (<c>train.lora:</c>). A targeted
/// projection W (out, in) computes <c>W x + scaling * B A dropout(x)</c> with A (rank, in), B (out, rank),
/// scaling = alpha / rank, as PEFT's LoRA layers.
/// </summary>
public sealed record LoraOptions
{
    /// <summary>The shorthand PEFT expands to every linear layer but the output head.</summary>
    public const string AllLinearName = "all-linear";

    /// <summary>The linear layers of a decoder block, in the order PEFT's all-linear finds them.</summary>
    public static IReadOnlyList<string> AllLinear { get; } = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"];

    public int Rank { get; init; } = 16;
    public double Alpha { get; init; } = 32;

    /// <summary>Dropout on the input of A while gradients are on (training forwards); never at evaluation.</summary>
    public double Dropout { get; init; }

    /// <summary>Projection names from <see cref="AllLinear"/>, or <see cref="AllLinearName"/>.</summary>
    public IReadOnlyList<string> Targets { get; init; } = [AllLinearName];

    /// <summary>
    /// Token rows [<see cref="FirstNewRow"/>, <see cref="FirstNewRow"/> + <see cref="NewRowCount"/>) are the added
    /// tokens: with <see cref="TrainNewRows"/> they train (one set when the head is tied) over frozen matrices.
    /// </summary>
    public bool TrainNewRows { get; init; } = true;

    public int FirstNewRow { get; init; }
    public int NewRowCount { get; init; }

    /// <summary>Seed of A's initialisation and of the dropout masks.</summary>
    public ulong Seed { get; init; } = 42;

    public double Scaling => Alpha / Rank;

    /// <summary>The targeted projection names, <see cref="AllLinearName"/> expanded, in <see cref="AllLinear"/> order.</summary>
    public IReadOnlyList<string> TargetModules => Targets.Contains(AllLinearName) ? AllLinear : AllLinear.Where(Targets.Contains).ToList();

    /// <summary>Rejects inconsistent settings before any tensor work (argument errors naming the setting).</summary>
    public void Validate()
    {
        if (Rank < 1) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "lora rank must be >= 1");
        if (!(Alpha > 0)) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "lora alpha must be > 0");
        if (!(Dropout is >= 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "lora dropout must be in [0, 1)");
        if (Targets.Count == 0) throw new ArgumentException("lora targets is empty", nameof(Targets));
        var unknown = Targets.FirstOrDefault(t => t != AllLinearName && !AllLinear.Contains(t));
        if (unknown != null)
            throw new ArgumentException($"lora target '{unknown}' is not one of {AllLinearName}, {string.Join(", ", AllLinear)}", nameof(Targets));
        if (FirstNewRow < 0 || NewRowCount < 0) throw new ArgumentOutOfRangeException(nameof(NewRowCount), NewRowCount, "new rows must be >= 0");
    }
}
