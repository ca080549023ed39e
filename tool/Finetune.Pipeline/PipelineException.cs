namespace Finetune.Pipeline;

/// <summary>A failure the user can act on (bad input, missing file, unimplemented stage): one line, exit 1.</summary>
public class PipelineException(string message, Exception? inner = null) : Exception(message, inner);
