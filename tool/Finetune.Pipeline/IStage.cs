namespace Finetune.Pipeline;

/// <summary>
/// One cached step of the job. <see cref="Declare"/> says what the output depends on (cheap: no heavy
/// work, no upstream outputs); <see cref="Run"/> writes the output into <see cref="StageRun.OutputDir"/>.
/// </summary>
public interface IStage
{
    string Name { get; }

    /// <summary>Bumped whenever the stage's code changes what it writes, so old entries stop matching.</summary>
    int Version { get; }

    IReadOnlyList<string> Upstream { get; }

    StageDeclaration Declare();

    void Run(StageRun run);
}
