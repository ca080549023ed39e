using Finetune.Pipeline.Store;

namespace Finetune.Pipeline.Planning;

/// <summary>A stage's key, whether the store has it, and which inputs changed since the recipe's lock.</summary>
public sealed record StagePlan(string Stage, string Key, StageInputs Inputs, bool Cached, IReadOnlyList<PlanReason> Reasons)
{
    public string ShortKey => Key[..12];
}
