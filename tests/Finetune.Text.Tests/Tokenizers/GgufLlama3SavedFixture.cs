using Finetune.Testing;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Tokenizers;

/// <summary>
/// The Llama 3 vocab in a GGUF (model gpt2) saved as Hugging Face files and reloaded: as is, and with the
/// four think/answer tokens added before saving.
/// </summary>
public sealed class GgufLlama3SavedFixture
{
    public string Folder { get; } = TestPaths.NewTempDir("gguf-save");
    public HfTokenizer Reloaded { get; }
    public HfTokenizer ReloadedExtended { get; }

    public GgufLlama3SavedFixture()
    {
        var gguf = HfTokenizer.Load(GgufVocabWriter.WriteLlama3(TestPaths.NewTempDir()));
        gguf.Save(Folder);
        Reloaded = HfTokenizer.FromFolder(Folder);
        var extendedFolder = TestPaths.NewTempDir("gguf-save");
        gguf.WithAddedTokens(Stories260KSavedFixture.ThinkAnswer, special: false).Save(extendedFolder);
        ReloadedExtended = HfTokenizer.FromFolder(extendedFolder);
    }
}
