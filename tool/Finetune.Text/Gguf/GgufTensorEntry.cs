namespace Finetune.Text.Gguf;

/// <summary>
/// One tensor to write: its GGUF name, its shape in torch order (<c>[out, in]</c>; the file stores it reversed,
/// fastest dimension first), its type, and a callback that writes exactly <see cref="GgufWriter.ByteLength"/> bytes.
/// </summary>
public sealed record GgufTensorEntry(string Name, long[] TorchShape, GgufType Type, Action<Stream> WriteData);
