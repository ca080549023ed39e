using Finetune.Testing;
using Finetune.Torch.IO;

namespace Finetune.Torch.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of the safetensors reader: every mutated file opens (and every tensor reads) or is
/// refused with a <see cref="CheckpointException"/>, within a time bound. Seeds: Fuzz/Seeds/safetensors.
/// </summary>
public sealed class SafetensorsFuzzTests
{
    [Fact]
    public void Safetensors_reader_survives_3000_mutated_files()
    {
        Finetune.Testing.Fuzz.RunOnFiles(Finetune.Testing.Fuzz.Seeds("Finetune.Torch.Tests", "safetensors"), 3000, seed: 14, "safetensors", path =>
        {
            using var file = SafetensorsFile.Open(path);
            foreach (var name in file.Names)
                file.Read(name).Dispose();
        }, e => e is CheckpointException);
    }
}
