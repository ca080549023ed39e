using System.Text.Json.Nodes;
using Finetune.Torch.Training.Optimizers;
using Finetune.Torch.Training.Data;
using Finetune.Torch.Training.Bench;
using Finetune.Torch.Training.Loop;

namespace Finetune.Torch.Tests.Training.Bench;

public sealed class TrainBenchTests
{
    [Fact]
    public void Tiny_preset_runs_timed_steps_and_reports_json()
    {
        var result = TrainBench.Run(new TrainBenchOptions { Preset = "tiny", Batch = 2, Seq = 16, Steps = 3, WarmupSteps = 1 });

        // tiny: embedding 1000x256 (tied) + 4 x (q, o 256x256; k, v 64x256; gate, up, down 688x256; 2 norms) + norm;
        // the same count the PyTorch peer prints (3,027,200)
        Assert.Equal(1000 * 256 + 4 * (2 * 65536 + 2 * 16384 + 3 * 176128 + 512) + 256, result.Parameters);
        Assert.True(result.TokensPerS > 0);
        Assert.Equal(2 * 16 / result.StepSMedian, result.TokensPerS, 6);
        Assert.True(result.StepSMin <= result.StepSMedian);
        Assert.True(result.PeakRssMb > 50);
        Assert.True(double.IsFinite(result.FinalLoss));

        var json = JsonNode.Parse(result.ToJson())!.AsObject();
        Assert.Equal("tiny", (string)json["model"]!);
        Assert.Equal("cpu", (string)json["device"]!);
        Assert.Equal("fp32", (string)json["dtype"]!);
        Assert.Equal(result.TokensPerS, (double)json["tokens_per_s"]!);
        Assert.Equal(result.StepSMedian, (double)json["step_s_median"]!);
        Assert.True(json.ContainsKey("peak_rss_mb"));
        Assert.True(json.ContainsKey("cuda_peak_memory_mb"));
        Assert.Null(json["cuda_peak_memory_mb"]);
    }

    [Fact]
    public void Llama_3_2_1b_preset_has_the_published_parameter_count_plus_four_rows()
    {
        // Llama-3.2-1B: 1,235,814,400 parameters with vocab 128256; the preset has 128260 rows (4 added tokens)
        using var model = new Finetune.Torch.Models.CausalLM(TrainBench.Presets["llama-3.2-1b"](), TorchSharp.torch.ScalarType.Float32, TorchSharp.torch.device("meta"));
        Assert.Equal(1_235_814_400L + 4 * 2048, model.parameters().Sum(p => p.numel()));
        Assert.True(model.Tied);
    }

    [Fact]
    public void Unknown_preset_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainBench.Run(new TrainBenchOptions { Preset = "huge" }));
        Assert.Equal("unknown preset 'huge' (known: tiny, llama-3.2-1b)", e.Message);
    }

    [Fact]
    public void LoRA_on_the_tiny_preset_trains_only_the_adapter_and_the_new_rows()
    {
        var result = TrainBench.Run(new TrainBenchOptions { Preset = "tiny", Batch = 2, Seq = 16, Steps = 2, WarmupSteps = 1, LoraRank = 8 });

        // rank 8 on 4 layers: q, o (256->256), k, v (256->64), gate, up (256->688), down (688->256): 8 x (in + out) each; plus 4 rows of 256
        long perLayer = 8 * (2 * 512 + 2 * 320 + 3 * 944);
        Assert.Equal(4 * perLayer + 4 * 256, result.Parameters);
        Assert.Equal("lora r=8", result.Method);
        Assert.Equal("lora r=8", (string)JsonNode.Parse(result.ToJson())!["method"]!);
        Assert.True(double.IsFinite(result.FinalLoss));
    }
}
