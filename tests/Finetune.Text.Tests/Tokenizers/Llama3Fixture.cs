using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>The real Llama 3.2 tokenizer, loaded once per test class.</summary>
public sealed class Llama3Fixture
{
    public HfTokenizer Tokenizer { get; } = HfTokenizer.FromFolder(Path.GetDirectoryName(TestPaths.Reference("llama3", "tokenizer.json"))!);
}
