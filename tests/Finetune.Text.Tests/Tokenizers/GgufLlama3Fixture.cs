using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>The Llama 3 vocabulary stored the way llama.cpp stores it in a GGUF (model gpt2), built once per class.</summary>
public sealed class GgufLlama3Fixture
{
    public HfTokenizer Tokenizer { get; } = HfTokenizer.Load(GgufVocabWriter.WriteLlama3(TestPaths.NewTempDir()));
}
