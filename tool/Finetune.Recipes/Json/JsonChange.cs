namespace Finetune.Recipes;

/// <summary>One changed key between two canonical JSON texts: dotted key, and the values as <c>plan</c> shows them (null: absent).</summary>
public sealed record JsonChange(string Key, string? Before, string? After);
