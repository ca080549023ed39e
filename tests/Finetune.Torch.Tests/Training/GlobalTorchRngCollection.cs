namespace Finetune.Torch.Tests.Training;

/// <summary>Tests that read or reseed torch's global generator run alone, so no parallel test draws in between.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchRngCollection
{
    public const string Name = "torch global generator";
}
