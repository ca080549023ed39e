using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>The real Llama 2 tokenizer, loaded once per test class.</summary>
public sealed class Llama2Fixture
{
    public HfTokenizer Tokenizer { get; } = HfTokenizer.FromFolder(Path.GetDirectoryName(TestPaths.Reference("llama2", "tokenizer.json"))!);
}
