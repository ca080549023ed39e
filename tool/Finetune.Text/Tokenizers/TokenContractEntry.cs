namespace Finetune.Text.Tokenizers;

/// <summary>How one added token encodes alone, after a space and between neighbours, and whether those decode back.</summary>
public sealed record TokenContractEntry(
    string Token,
    int? Id,
    IReadOnlyList<int> Alone,
    IReadOnlyList<int> AfterSpace,
    IReadOnlyList<int> InContext,
    bool AloneIsOneId,
    bool AfterSpaceIsSpacePlusId,
    bool InContextKeepsNeighbours,
    IReadOnlyList<string> RoundTripFailures)
{
    public bool Passed => AloneIsOneId && AfterSpaceIsSpacePlusId && InContextKeepsNeighbours;
}
