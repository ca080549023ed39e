namespace Finetune.Tool;

/// <summary>A command-line argument that makes no sense; one line, exit 1.</summary>
public sealed class UserInputException(string message) : Exception(message);
