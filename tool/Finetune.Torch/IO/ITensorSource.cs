using static TorchSharp.torch;

namespace Finetune.Torch.IO;

/// <summary>Named tensors on disk (or already translated in memory) that a model loads from.</summary>
public interface ITensorSource : IDisposable
{
    /// <summary>The file or folder the tensors come from, for messages.</summary>
    string Path { get; }

    /// <summary>Every tensor name, sorted ordinally.</summary>
    IReadOnlyList<string> Names { get; }

    bool Contains(string name);

    long[] ShapeOf(string name);

    /// <summary>The stored element type; null when it is one we do not read.</summary>
    ScalarType? DTypeOf(string name);

    /// <summary>Reads a tensor as stored (a new CPU tensor in the stored dtype).</summary>
    Tensor Read(string name);

    /// <summary>Copies a tensor into <paramref name="destination"/>, converting dtype and device if they differ.</summary>
    void CopyTo(string name, Tensor destination);
}
