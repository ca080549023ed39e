namespace Finetune.Text.Gguf;

/// <summary>
/// One tensor's directory entry. <see cref="Dimensions"/> is GGUF's <c>ne</c> order (fastest-varying
/// first), so a torch <c>[out, in]</c> weight appears as <c>[in, out]</c>; <see cref="TorchShape"/> reverses it.
/// <see cref="Offset"/> is absolute in the file. <see cref="ByteLength"/> is null for types whose block
/// layout this reader does not know (quantized types).
/// </summary>
public sealed record GgufTensorInfo(string Name, long[] Dimensions, GgufType Type, long Offset, long? ByteLength)
{
    public long ElementCount => Dimensions.Aggregate(1L, (a, d) => a * d);

    public long[] TorchShape => Dimensions.Reverse().ToArray();
}
