using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>The real Qwen3 tokenizer (../shared/reference/qwen3), loaded once per test class.</summary>
public sealed class Qwen3Fixture
{
    public HfTokenizer Tokenizer { get; } = HfTokenizer.FromFolder(Path.GetDirectoryName(TestPaths.Reference("qwen3", "tokenizer.json"))!);
}
