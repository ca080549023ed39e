using ByteLevelAlphabet = Finetune.Text.Tokenizers.ByteLevelAlphabet;
using System.Diagnostics;
using System.Text;
using Finetune.Text.Building;
using Microsoft.ML.Tokenizers;

namespace Finetune.Text.Tests.Building;

public sealed class ByteLevelBpeTrainerTests
{
    // "aaa aaa aab" pre-tokenizes to "aaa", " aaa", " aab", i.e. symbols [a a a], [Ġ a a a], [Ġ a a b].
    // Pair counts: (a,a) 2+2+1 = 5, (Ġ,a) 2, (a,b) 1                          -> merge 1: a a    => "aa"   (256)
    // Words [aa a], [Ġ aa a], [Ġ aa b]: (aa,a) 2, (Ġ,aa) 2, (aa,b) 1; tie: "aa" < "Ġ" -> merge 2: aa a   => "aaa"  (257)
    // Words [aaa], [Ġ aaa], [Ġ aa b]: (Ġ,aaa) 1, (Ġ,aa) 1, (aa,b) 1; "aa" first -> merge 3: aa b   => "aab"  (258)
    // Words [aaa], [Ġ aaa], [Ġ aab]: (Ġ,aaa) 1, (Ġ,aab) 1; "aaa" < "aab"       -> merge 4: Ġ aaa  => "Ġaaa" (259)
    //                                                                            -> merge 5: Ġ aab  => "Ġaab" (260)
    // Then every word is one symbol and no pair is left.
    private static readonly string[] HandWorkedMerges = ["a a", "aa a", "aa b", "Ġ aaa", "Ġ aab"];

    [Fact]
    public void Learns_the_hand_worked_merge_sequence_on_a_tiny_corpus()
    {
        var model = ByteLevelBpeTrainer.Train(["aaa aaa aab"], vocabSize: 1000, minPairFrequency: 1);
        Assert.Equal(HandWorkedMerges, model.Merges.Select(m => m.ToString()));
        Assert.Equal(["aa", "aaa", "aab", "Ġaaa", "Ġaab"], model.Vocab.Skip(256));
    }

    [Fact]
    public void Vocab_starts_with_the_256_byte_symbols_in_byte_order()
    {
        var model = ByteLevelBpeTrainer.Train(["aaa aaa aab"], vocabSize: 1000, minPairFrequency: 1);
        Assert.Equal(ByteLevelAlphabet.Chars.Select(c => c.ToString()), model.Vocab.Take(256));
        Assert.Equal("Ġ", model.Vocab[0x20]);
    }

    [Fact]
    public void Stops_at_the_vocab_size_and_at_the_minimum_pair_frequency()
    {
        Assert.Equal(HandWorkedMerges.Take(1), ByteLevelBpeTrainer.Train(["aaa aaa aab"], vocabSize: 257, minPairFrequency: 1).Merges.Select(m => m.ToString()));
        // With the default minimum of 2, merges 3-5 (count 1) are not learned.
        Assert.Equal(HandWorkedMerges.Take(2), ByteLevelBpeTrainer.Train(["aaa aaa aab"], vocabSize: 1000).Merges.Select(m => m.ToString()));
    }

    [Fact]
    public void Counts_pieces_over_all_texts()
    {
        // Three texts of "ab" and one "cd": (a,b) 3 beats (c,d) 1; with the minimum at 2 only "ab" is learned.
        var model = ByteLevelBpeTrainer.Train(["ab", "ab", "cd", "ab"], vocabSize: 1000);
        Assert.Equal(["a b"], model.Merges.Select(m => m.ToString()));
    }

    [Fact]
    public void Encodes_with_the_learned_merges_as_worked_by_hand()
    {
        var encoder = ReferenceBpeEncoder.From(ByteLevelBpeTrainer.Train(["aaa aaa aab"], vocabSize: 1000, minPairFrequency: 1));
        Assert.Equal([257], encoder.Encode("aaa"));             // a whole piece in the vocabulary is one token
        Assert.Equal([259, 260], encoder.Encode(" aaa aab"));
        Assert.Equal([256, 256], encoder.Encode("aaaa"));       // not in the vocabulary: (a,a) twice, no (aa,aa) merge
        Assert.Equal([98, 97], encoder.Encode("ba"));           // bytes only: byte ids
        Assert.Equal([0xC3, 0xA9, 0x20, 0x21], encoder.Encode("é !"));
    }

    [Fact]
    public void Frequent_words_of_real_text_become_single_tokens_and_rare_bytes_stay_bytes()
    {
        var model = ByteLevelBpeTrainer.Train(TrainingTexts.Paragraphs, vocabSize: 600);
        var encoder = ReferenceBpeEncoder.From(model);
        var id = model.Vocab.Select((token, i) => (token, i)).ToDictionary(x => x.token, x => x.i);
        Assert.Equal([id["Ġthe"]], encoder.Encode(" the"));
        Assert.Equal([id["Ġsky"]], encoder.Encode(" sky"));
        Assert.Equal([(int)'Q'], encoder.Encode("Q"));
        Assert.Equal([0xE2, 0x82, 0xAC], encoder.Encode("€"));
    }

    [Fact]
    public void Encoding_the_training_texts_decodes_back_to_them_and_matches_tiktoken_merging()
    {
        var model = ByteLevelBpeTrainer.Train(TrainingTexts.Paragraphs, vocabSize: 600);
        var encoder = ReferenceBpeEncoder.From(model);
        var tiktoken = Tiktoken(model);
        foreach (var text in TrainingTexts.Paragraphs)
        {
            var ids = encoder.Encode(text);
            var bytes = ids.SelectMany(i => ByteLevelAlphabet.Decode(model.Vocab[i])).ToArray();
            Assert.Equal(text, Encoding.UTF8.GetString(bytes));
            // Microsoft.ML.Tokenizers merges by token rank (tiktoken); with ids in merge order it agrees with HF BPE.
            Assert.Equal(ids, tiktoken.EncodeToIds(text));
        }
    }

    [Fact]
    public void Trains_two_thousand_rows_in_seconds_and_twice_alike()
    {
        var watch = Stopwatch.StartNew();
        var first = ByteLevelBpeTrainer.Train(TrainingTexts.ManyRows(2000), vocabSize: 1000);
        Assert.InRange(watch.Elapsed.TotalSeconds, 0, 20);
        var second = ByteLevelBpeTrainer.Train(TrainingTexts.ManyRows(2000), vocabSize: 1000);
        Assert.Equal(1000, first.Vocab.Count);
        Assert.Equal(first.Vocab, second.Vocab);
        Assert.Equal(first.Merges, second.Merges);
    }

    [Fact]
    public void Tiktoken_merging_agrees_on_unseen_text_with_a_larger_vocabulary()
    {
        var model = ByteLevelBpeTrainer.Train(TrainingTexts.ManyRows(2000), vocabSize: 1500, minPairFrequency: 1);
        var encoder = ReferenceBpeEncoder.From(model);
        var tiktoken = Tiktoken(model);
        var texts = Llama3Reference.EncodeSamples().Select(s => s.Text).Concat(TrainingTexts.ManyRows(50)).Where(t => !t.Contains("<|")).ToList();
        Assert.All(texts, text => Assert.Equal(encoder.Encode(text), tiktoken.EncodeToIds(text)));
    }

    private static TiktokenTokenizer Tiktoken(ByteLevelBpeModel model)
    {
        var ranks = new StringBuilder();
        for (var id = 0; id < model.Vocab.Count; id++)
            ranks.Append(Convert.ToBase64String(ByteLevelAlphabet.Decode(model.Vocab[id]))).Append(' ').Append(id).Append('\n');
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(ranks.ToString()));
        var regex = new System.Text.RegularExpressions.Regex(Llama3PreTokenizer.Pattern);
        return TiktokenTokenizer.Create(stream, new RegexPreTokenizer(regex, null), normalizer: null);
    }
}
