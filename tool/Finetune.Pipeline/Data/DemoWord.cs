namespace Finetune.Pipeline.Data;

/// <summary>A noun with its singular and plural, for "1 apple" and "3 apples".</summary>
internal sealed record DemoWord(string One, string Many)
{
    public string Of(int count) => count == 1 ? One : Many;

    public static DemoWord Regular(string one) => new(one, one + "s");
}
