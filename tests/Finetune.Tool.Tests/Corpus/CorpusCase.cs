namespace Finetune.Tool.Tests.Corpus;

/// <summary>
/// One bad input: files written into a fresh folder (<c>{d}</c> in arguments and the expected fragment stands
/// for it), the command line, the exit code and error code it must give, and a fragment of the one error line
/// that names the file (and line, row or template position).
/// </summary>
public sealed record CorpusCase(string Name, Action<string> Setup, string[] Args, int Exit, string? Code, string Fragment)
{
    /// <summary>Resource cases also bound the bytes the command may allocate.</summary>
    public long? MaxAllocatedBytes { get; init; }

    public override string ToString() => Name;
}
