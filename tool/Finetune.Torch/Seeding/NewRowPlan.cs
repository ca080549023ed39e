namespace Finetune.Torch.Seeding;

/// <summary>
/// How to seed one new row: the method, and the old token ids it draws from (the copied token for
/// <see cref="SeedMethod.Copy"/>, the token's former pieces for <see cref="SeedMethod.SubwordMean"/>).
/// </summary>
public sealed record NewRowPlan(string Token, int Id, SeedMethod Method, IReadOnlyList<int> SourceIds);
