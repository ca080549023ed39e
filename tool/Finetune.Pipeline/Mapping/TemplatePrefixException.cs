namespace Finetune.Pipeline.Mapping;

/// <summary>
/// The chat template does not render conversations as growing prefixes (the tokens of the conversation up
/// to an assistant turn are not the start of the whole conversation's tokens), so assistant spans cannot be
/// found. Caught by <see cref="DatasetMapper"/> and reported with the row.
/// </summary>
internal sealed class TemplatePrefixException(string message) : Exception(message);
