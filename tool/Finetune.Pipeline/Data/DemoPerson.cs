namespace Finetune.Pipeline.Data;

/// <summary>A character of the demo stories and the pronouns that go with them.</summary>
internal sealed record DemoPerson(string Name, string Subject, string Object)
{
    /// <summary>The subject pronoun at the start of a sentence.</summary>
    public string SubjectCapital => char.ToUpperInvariant(Subject[0]) + Subject[1..];
}
