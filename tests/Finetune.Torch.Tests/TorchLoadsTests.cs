using TorchSharp;

namespace Finetune.Torch.Tests;

public sealed class TorchLoadsTests
{
    [Fact]
    public void Torch_initialises_and_multiplies_two_matrices()
    {
        using var a = torch.tensor(new float[] { 1, 2, 3, 4 }, new long[] { 2, 2 });
        using var b = torch.tensor(new float[] { 5, 6, 7, 8 }, new long[] { 2, 2 });
        using var c = torch.matmul(a, b);
        // [[1,2],[3,4]] x [[5,6],[7,8]] = [[19,22],[43,50]] by hand.
        Assert.Equal(new float[] { 19, 22, 43, 50 }, c.data<float>().ToArray());
    }
}
