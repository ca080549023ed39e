using System.Text;
using System.Text.Json.Nodes;
using Finetune.Testing;
using Finetune.Text.Gguf;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Text.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of the template lexer/parser/renderer, tokenizer.json loading and the GGUF reader:
/// every mutated input parses (and renders, encodes) or ends in our own error type, within a time bound.
/// Seeds: tests/Finetune.Text.Tests/Fuzz/Seeds.
/// </summary>
public sealed class TextFuzzTests
{
    [Fact]
    public void Jinja_lexer_parser_and_renderer_survive_3000_mutated_templates()
    {
        var context = """{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}], "tools": [{"type": "function", "name": "f", "args": [1, 2]}], "bos_token": "<s>", "add_generation_prompt": true}""";
        var limits = new TemplateLimits { MaxLoopIterations = 20_000, MaxOutputChars = 1 << 20, MaxListItems = 100_000 };
        Finetune.Testing.Fuzz.Run(Finetune.Testing.Fuzz.Seeds("Finetune.Text.Tests", "jinja"), 3000, seed: 10, input =>
        {
            var template = ChatTemplate.Parse(Encoding.UTF8.GetString(input), "fuzz.jinja");
            var c = TemplateContext.FromJson((JsonObject)JsonNode.Parse(context)!);
            c.Limits = limits;
            c.Now = new DateTimeOffset(2024, 1, 2, 3, 4, 5, TimeSpan.Zero);
            template.Render(c);
        }, e => e is TemplateException);
    }

    [Fact]
    public void Tokenizer_json_loading_survives_2000_mutated_files()
    {
        Finetune.Testing.Fuzz.RunOnFiles(Finetune.Testing.Fuzz.Seeds("Finetune.Text.Tests", "tokenizer"), 2000, seed: 12, "json", path =>
        {
            var tokenizer = HfTokenizer.FromTokenizerJson(path, null);
            tokenizer.Encode("Hello <think> wörld 123!");
        }, e => e is TokenizerException);
    }

    [Fact]
    public void Gguf_reader_survives_3000_mutated_files()
    {
        Finetune.Testing.Fuzz.RunOnFiles(Finetune.Testing.Fuzz.Seeds("Finetune.Text.Tests", "gguf"), 3000, seed: 13, "gguf", path =>
        {
            var gguf = GgufFile.Read(path);
            GgufTokenizerLoader.Load(gguf);
        }, e => e is GgufException or TokenizerException);
    }
}
