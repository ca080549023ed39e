namespace Finetune.Pipeline.Evaluation;

/// <summary>
/// Teacher-forced result for one added token over the positions where it is the gold next token:
/// how often it ranked first (accuracy) and its mean rank (1 = top); both null when it never occurs.
/// </summary>
public sealed record TokenScore(string Token, int Id, long Count, double? Accuracy, double? MeanRank);
