using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>
/// stories260K.gguf's tokenizer loaded from the GGUF, and the same saved as Hugging Face files and reloaded
/// with <see cref="HfTokenizer.FromFolder"/>: as is, and with the four think/answer tokens added before saving.
/// </summary>
public sealed class Stories260KSavedFixture
{
    public static readonly string[] ThinkAnswer = ["<think>", "</think>", "<answer>", "</answer>"];

    public HfTokenizer Gguf { get; } = HfTokenizer.Load(TestPaths.Reference("models", "stories260K.gguf"));
    public string Folder { get; } = TestPaths.NewTempDir("gguf-save");
    public string ExtendedFolder { get; } = TestPaths.NewTempDir("gguf-save");
    public HfTokenizer GgufExtended { get; }
    public HfTokenizer Reloaded { get; }
    public HfTokenizer ReloadedExtended { get; }

    public Stories260KSavedFixture()
    {
        Gguf.Save(Folder);
        Reloaded = HfTokenizer.FromFolder(Folder);
        GgufExtended = Gguf.WithAddedTokens(ThinkAnswer, special: false);
        GgufExtended.Save(ExtendedFolder);
        ReloadedExtended = HfTokenizer.FromFolder(ExtendedFolder);
    }
}
