namespace Finetune.Pipeline.Tests.Data;

/// <summary>Tests in this collection run after all others, alone, so heap measurements see only their own work.</summary>
[CollectionDefinition(nameof(StreamingMemoryCollection), DisableParallelization = true)]
public sealed class StreamingMemoryCollection;
