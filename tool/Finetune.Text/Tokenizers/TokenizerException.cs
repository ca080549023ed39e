namespace Finetune.Text.Tokenizers;

/// <summary>A tokenizer file or a token request is wrong; the message is one line naming the file or token.</summary>
public sealed class TokenizerException(string message) : Exception(message);
