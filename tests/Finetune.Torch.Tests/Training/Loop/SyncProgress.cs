namespace Finetune.Torch.Tests.Training.Loop;

/// <summary>Runs the callback on the reporting thread (unlike <see cref="Progress{T}"/>), so a test sees each step as it ends.</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
