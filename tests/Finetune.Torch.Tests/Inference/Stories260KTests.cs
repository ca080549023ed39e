using System.Text;
using Finetune.Testing;
using Finetune.Text.Gguf;
using Finetune.Torch.Inference;
using Finetune.Torch.Models;

namespace Finetune.Torch.Tests.Inference;

/// <summary>The real pretrained stories260K model (../shared/reference/models) through GGUF loading, greedy generation and scoring.</summary>
public sealed class Stories260KTests
{
    private static readonly int[] OnceUponATime = [1, 403, 407, 261, 378]; // <s> ▁Once ▁upon ▁a ▁time (README)
    private static string ModelPath => TestPaths.Reference("models", "stories260K.gguf");

    [Fact]
    public void Greedy_generation_continues_with_the_reference_story()
    {
        using var model = CausalLM.Load(ModelPath);
        var ids = Generator.Generate(model, OnceUponATime, new GenerationOptions { MaxNewTokens = 32, EosTokenIds = [2] });
        string text = Decode(OnceUponATime.Skip(1).Concat(ids));
        const string expected = "Once upon a time, there was a little girl named Lily. She loved to play outside in the park.";
        Assert.Equal(expected, text[..Math.Min(text.Length, expected.Length)]);
    }

    [Fact]
    public void Bf16_model_tells_the_same_first_sentence()
    {
        using var model = CausalLM.Load(ModelPath, TorchSharp.torch.ScalarType.BFloat16);
        var ids = Generator.Generate(model, OnceUponATime, new GenerationOptions { MaxNewTokens = 16 });
        Assert.StartsWith("Once upon a time, there was a little girl named Lily.", Decode(OnceUponATime.Skip(1).Concat(ids)));
    }

    [Fact]
    public void Mean_token_nll_of_the_reference_sentence_is_about_0_28()
    {
        using var model = CausalLM.Load(ModelPath);
        var ids = Encode("Once upon a time, there was a little girl named Lily. She loved to play outside.");
        Assert.Equal(OnceUponATime, ids.Take(5));
        var logProbs = Scorer.TokenLogProbs(model, ids);
        Assert.Equal(ids.Count - 1, logProbs.Length);
        double nll = -logProbs.Average();
        Assert.InRange(nll, 0.25, 0.31);
    }

    [Fact]
    public void Cached_greedy_generation_equals_full_recompute()
    {
        using var model = CausalLM.Load(ModelPath);
        var cached = Generator.Generate(model, OnceUponATime, new GenerationOptions { MaxNewTokens = 40 });
        var recomputed = Generator.Generate(model, OnceUponATime, new GenerationOptions { MaxNewTokens = 40, UseCache = false });
        Assert.Equal(recomputed, cached);
    }

    [Fact]
    public void Sampling_with_a_seed_repeats_and_stops_at_eos()
    {
        using var model = CausalLM.Load(ModelPath);
        var options = new GenerationOptions { MaxNewTokens = 30, Temperature = 1.0, TopP = 0.9, Seed = 7, EosTokenIds = [2, 13] };
        var streamed = new List<int>();
        var first = Generator.Generate(model, OnceUponATime, options, streamed.Add);
        var second = Generator.Generate(model, OnceUponATime, options);
        Assert.Equal(first, second);
        Assert.Equal(first, streamed);
        int stop = first.ToList().FindIndex(t => t is 2 or 13);
        Assert.True(stop == -1 ? first.Count == 30 : stop == first.Count - 1);
    }

    private static string[] Vocab() => GgufFile.Read(ModelPath).GetArray<string[]>("tokenizer.ggml.tokens")!;

    /// <summary>Decodes with the GGUF's own pieces: ▁ is a space, &lt;0xNN&gt; a byte.</summary>
    private static string Decode(IEnumerable<int> ids)
    {
        var vocab = Vocab();
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            string piece = vocab[id];
            if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece.EndsWith('>'))
                bytes.Add(Convert.ToByte(piece[3..5], 16));
            else
                bytes.AddRange(Encoding.UTF8.GetBytes(piece.Replace('▁', ' ')));
        }
        return Encoding.UTF8.GetString([.. bytes]).TrimStart(' ');
    }

    /// <summary>BOS + SentencePiece BPE by the GGUF scores: repeatedly merge the adjacent pair whose merged piece scores highest.</summary>
    private static List<int> Encode(string text)
    {
        var gguf = GgufFile.Read(ModelPath);
        var vocab = gguf.GetArray<string[]>("tokenizer.ggml.tokens")!;
        var scores = gguf.GetArray<float[]>("tokenizer.ggml.scores")!;
        var ids = vocab.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var pieces = ("▁" + text.Replace(' ', '▁')).Select(c => c.ToString()).ToList();
        while (true)
        {
            int best = -1;
            float bestScore = float.NegativeInfinity;
            for (int i = 0; i + 1 < pieces.Count; i++)
                if (ids.TryGetValue(pieces[i] + pieces[i + 1], out int id) && scores[id] > bestScore)
                    (best, bestScore) = (i, scores[id]);
            if (best < 0) break;
            pieces[best] += pieces[best + 1];
            pieces.RemoveAt(best + 1);
        }
        return [1, .. pieces.Select(p => ids[p])];
    }
}
