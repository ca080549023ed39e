namespace Finetune.Text.Gguf;

/// <summary>A model or tokenizer that a GGUF file (as llama.cpp reads it) cannot represent; the message names the file.</summary>
public sealed class GgufExportException(string path, string message) : Exception($"{path}: {message}");
