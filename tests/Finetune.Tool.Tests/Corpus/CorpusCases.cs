using System.Text;
using static Finetune.Tool.Tests.Corpus.CorpusFiles;

namespace Finetune.Tool.Tests.Corpus;

/// <summary>
/// The bad-input corpus: recipes, datasets (JSONL, JSON, CSV, Parquet), checkpoints (safetensors, GGUF,
/// config.json), tokenizers, chat and mapping templates, store faults and paths. Each case was tried by hand
/// first; the expected fragment is the part of the line a user needs (file, position, what is wrong).
/// </summary>
internal static class CorpusCases
{
    private static readonly string[] Validate = ["validate", "{d}/r.yaml"];
    private static readonly string[] Map = ["run", "{d}/r.yaml", "--only", "map", "--store", "{d}/store"];
    private static readonly string[] Seed = ["run", "{d}/r.yaml", "--only", "seed", "--store", "{d}/store"];
    private static readonly string[] Render = ["template", "render", "--template", "{d}/t.jinja", "--context", "{d}/c.json"];

    private static string[] Tokenize(string model) => ["tokenize", "--model", model, "--text", "hi"];

    private const long ResourceBudget = 512L << 20;

    private static CorpusCase RecipeCase(string name, string yaml, string? code, string fragment) =>
        new(name, d => { Write(d, "r.yaml", yaml); Write(d, "rows.jsonl", Rows); }, Validate, 1, code, fragment);

    private static CorpusCase DataCase(string name, string file, string content, string fragment, string? code = null) =>
        new(name, d => { Write(d, file, content); Recipe(d, data: file); }, Map, 1, code, fragment);

    private static CorpusCase DataBytes(string name, string file, byte[] content, string fragment) =>
        new(name, d => { WriteBytes(d, file, content); Recipe(d, data: file); }, Map, 1, null, fragment);

    private static CorpusCase ModelCase(string name, Action<string> change, string fragment, string[]? args = null) =>
        new(name, d => { Write(d, "rows.jsonl", Rows); Recipe(d, model: Model(d, change)); }, args ?? Seed, 1, null, fragment);

    private static CorpusCase TemplateCase(string name, string template, string fragment, string context = "{\"messages\": []}", long? budget = null) =>
        new(name, d => { Write(d, "t.jinja", template); Write(d, "c.json", context); }, Render, 1, null, fragment) { MaxAllocatedBytes = budget };

    /// <summary>The first lines of a recipe over the tiny model (so that the case's own fault is the only one).</summary>
    private static readonly string Head = $"name: t\nmodel: {{ path: \"{TinyModel}\" }}\n";

    public static IEnumerable<CorpusCase> All()
    {
        // ---- recipes ----
        yield return new("recipe missing", _ => { }, Validate, 1, "FT013", "r.yaml:1:1: error FT013: recipe file not found");
        yield return new("recipe is a folder", d => Directory.CreateDirectory(Path.Combine(d, "r.yaml")), Validate, 1, "FT013", "r.yaml:1:1: error FT013: this is a folder");
        yield return new("recipe is a link loop", d => { File.CreateSymbolicLink(Path.Combine(d, "r.yaml"), Path.Combine(d, "s.yaml")); File.CreateSymbolicLink(Path.Combine(d, "s.yaml"), Path.Combine(d, "r.yaml")); }, Validate, 1, "FT013", "r.yaml:1:1: error FT013: the recipe path is a symbolic link loop");
        yield return new("recipe over 4 MB", d => Write(d, "r.yaml", Head + "# " + new string('x', 5 << 20)), Validate, 1, "FT013", "r.yaml:1:1: error FT013: the recipe file is over 4 MB") { MaxAllocatedBytes = 64L << 20 };
        yield return RecipeCase("recipe empty", "# nothing\n", "FT013", "r.yaml:1:1: error FT013: the recipe is empty");
        yield return RecipeCase("unclosed [ mid-file", Head + "train:\n  epochs: [1\n  batch_size: 2\n", "FT001", "r.yaml:4:11: error FT001: this `[` is never closed");
        yield return RecipeCase("unclosed { at end", Head + "train: { epochs: 1\n", "FT001", "r.yaml:3:8: error FT001: this `{` is never closed");
        yield return RecipeCase("tab indentation", "name: t\nmodel:\n\tpath: m\n", "FT001", "r.yaml:3:1: error FT001: a tab is used for indentation");
        yield return RecipeCase("unclosed quote", Head + "tokens: { add: [\"<think>] }\n", "FT001", "error FT001: a quoted string is never closed");
        yield return RecipeCase("bad indentation", "name: t\n  model: x\n", "FT001", "r.yaml:2:8: error FT001: a `key:` where a value was expected");
        yield return RecipeCase("two documents", Head + "---\nname: u\n", "FT001", "r.yaml:3:1: error FT001: a recipe is one YAML document");
        yield return RecipeCase("alias bomb", "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n", "FT001", "error FT001: the document has more than 100000 nodes");
        yield return RecipeCase("nesting 1000 deep", "name: " + Deep(1000) + "\n", "FT001", "error FT001: nesting deeper than 64 levels");
        yield return RecipeCase("binary garbage", "\u0001\u0002\u0003\u0000\u00ff\u00fe", "FT001", "r.yaml:1:");
        yield return RecipeCase("unknown key", Head + "train:\n  epochz: 2\n", "FT002", "r.yaml:4:3: error FT002: unknown key `epochz`");
        yield return RecipeCase("duplicate key", Head + "name: u\n", "FT003", "r.yaml:3:1: error FT003");
        yield return RecipeCase("wrong type", Head + "train: { epochs: many }\n", "FT004", "r.yaml:3:18: error FT004");
        yield return RecipeCase("missing name", Head.Replace("name: t\n", ""), "FT005", "r.yaml:1:1: error FT005: missing required key `name`");
        yield return RecipeCase("negative learning rate", Head + "train: { learning_rate: -1 }\n", "FT006", "r.yaml:3:25: error FT006");
        yield return RecipeCase("max_seq_length 1e9", Head + "train: { max_seq_length: 1000000000, packing: true }\n", "FT006", "r.yaml:3:26: error FT006: `train.max_seq_length` must be >= 1 and <= 1048576");
        yield return RecipeCase("batch_size 1e6", Head + "train: { batch_size: 1000000 }\n", "FT006", "r.yaml:3:22: error FT006: `train.batch_size` must be >= 1 and <= 65536");
        yield return RecipeCase("epochs beyond int", Head + "train: { epochs: 99999999999999999999 }\n", "FT00", "r.yaml:3:18: error FT00");
        yield return RecipeCase("bad enum", Head + "train: { schedule: cosin }\n", "FT007", "r.yaml:3:20: error FT007");
        yield return RecipeCase("model path missing", "name: t\nmodel: { path: nowhere }\n", "FT008", "r.yaml:2:16: error FT008: `model.path` does not exist: nowhere");
        yield return new("model path is a plain file", d => { Write(d, "passwd", "root:x:0:0"); Write(d, "r.yaml", "name: t\nmodel: { path: passwd }\n"); }, Validate, 1, "FT008", "r.yaml:2:16: error FT008: `model.path` is a file, not a model folder: passwd");
        yield return new("model path /etc/passwd", d => Write(d, "r.yaml", "name: t\nmodel: { path: /etc/passwd }\n"), Validate, 1, "FT008", "r.yaml:2:16: error FT008: `model.path` is a file, not a model folder: /etc/passwd");
        yield return new("data path /dev/zero", d => Recipe(d, data: "/dev/zero"), Validate, 1, "FT008", "r.yaml:5:9: error FT008: `data.path` is not a regular file");
        yield return new("run with data path /dev/zero", d => Recipe(d, data: "/dev/zero"), Map, 1, "FT008", "r.yaml:5:9: error FT008: `data.path` is not a regular file");
        yield return new("data path link loop", d => { File.CreateSymbolicLink(Path.Combine(d, "a.jsonl"), Path.Combine(d, "b.jsonl")); File.CreateSymbolicLink(Path.Combine(d, "b.jsonl"), Path.Combine(d, "a.jsonl")); Recipe(d, data: "a.jsonl"); }, Validate, 1, "FT008", "r.yaml:5:9: error FT008: `data.path` is a symbolic link loop");
        yield return new("data path dangling link", d => { File.CreateSymbolicLink(Path.Combine(d, "a.jsonl"), Path.Combine(d, "gone.jsonl")); Recipe(d, data: "a.jsonl"); }, Validate, 1, "FT008", "`data.path` is a symbolic link to");
        yield return new("data file .txt", d => { Write(d, "rows.txt", "x"); Recipe(d, data: "rows.txt"); }, Validate, 1, "FT008", "r.yaml:5:9: error FT008: `data.path` has an unsupported file type '.txt'");
        yield return new("chat template is a folder", d => { Directory.CreateDirectory(Path.Combine(d, "tpl")); Write(d, "rows.jsonl", Rows); Recipe(d, extraData: "\n  chat_template: tpl"); }, Validate, 1, "FT008", "`data.chat_template` is a folder, not a file: tpl");
        yield return new("message template syntax error", d => { Write(d, "rows.jsonl", Rows); Recipe(d, messages: "    - { role: user, content: \"{{ instruction }}\" }\n    - { role: assistant, content: \"{{ output \" }"); }, Validate, 1, "FT012", "r.yaml:9:35: error FT012: `data.messages[1].content` is not a valid template: unexpected end of template");
        yield return new("message template unknown filter", d => { Write(d, "rows.jsonl", Rows); Recipe(d, messages: "    - { role: user, content: \"{{ instruction|nosuch }}\" }\n    - { role: assistant, content: \"{{ output }}\" }"); }, Validate, 1, "FT012", "r.yaml:8:30: error FT012: `data.messages[0].content` is not a valid template: no filter named 'nosuch'");
        yield return RecipeCase("seed copy without from", Head + "tokens: { add: [\"<a>\"] }\nseed: { strategy: copy }\n", "FT010", "error FT010: `seed.strategy: copy` needs `seed.from`");
        yield return RecipeCase("duplicate added token", Head + "tokens: { add: [\"<a>\", \"<a>\"] }\n", "FT011", "r.yaml:3:24: error FT011");
        yield return RecipeCase("name with spaces", Head.Replace("name: t", "name: my recipe"), "FT012", "r.yaml:1:7: error FT012");

        // ---- datasets ----
        yield return DataCase("jsonl empty", "rows.jsonl", "", "{d}/rows.jsonl: the dataset has no rows");
        yield return DataCase("jsonl blank lines only", "rows.jsonl", "\n\n\n", "{d}/rows.jsonl: the dataset has no rows");
        yield return DataCase("jsonl invalid line 3", "rows.jsonl", Rows.Split('\n')[0] + "\n" + Rows.Split('\n')[1] + "\n{\"instruction\": \n", "{d}/rows.jsonl: line 3: invalid JSON");
        yield return DataCase("jsonl array line", "rows.jsonl", "[1, 2]\n", "{d}/rows.jsonl: line 1: expected a JSON object, got an array");
        yield return DataCase("jsonl nested 300 deep", "rows.jsonl", "{\"a\": " + Deep(300) + "}\n", "{d}/rows.jsonl: line 1: invalid JSON");
        yield return DataBytes("jsonl invalid utf-8", "rows.jsonl", [.. "{\"instruction\": \"a"u8, 0xff, 0xfe, .. "\", \"output\": \"b\"}\n"u8], "{d}/rows.jsonl: line 1");
        yield return DataCase("jsonl missing column", "rows.jsonl", "{\"instruction\": \"q\"}\n{\"instruction\": \"q\"}\n{\"instruction\": \"q\"}\n", "{d}/rows.jsonl: line");
        yield return DataCase("one row only", "rows.jsonl", "{\"instruction\": \"q\", \"output\": \"a\"}\n", "the dataset has 1 row; test_fraction 0.25 needs at least 2");
        yield return new("every row dropped", d => { Write(d, "rows.jsonl", Rows); Recipe(d, train: "epochs: 1, batch_size: 2, max_seq_length: 2"); }, Map, 1, null, "{d}/rows.jsonl: no training row is left after mapping");
        yield return DataCase("json not an array", "rows.json", "\"rows\"", "{d}/rows.json: expected a JSON array of objects (or JSON lines)");
        yield return DataCase("json pretty-printed object", "rows.json", "{\n  \"instruction\": \"q\",\n  \"output\": \"a\"\n}\n", "{d}/rows.json: line 1");
        yield return DataCase("json truncated array", "rows.json", "[{\"instruction\": \"a\", \"output\": \"b\"}, {\"instr", "{d}/rows.json");
        yield return DataCase("json array of numbers", "rows.json", "[1, 2, 3]", "{d}/rows.json");
        yield return DataCase("json empty array", "rows.json", "[]", "{d}/rows.json: the dataset has no rows");
        yield return DataCase("csv ragged row", "rows.csv", "instruction,output\nq,a\nq,a,extra\nq,a\n", "{d}/rows.csv");
        yield return DataCase("csv unclosed quote", "rows.csv", "instruction,output\n\"q,a\nq,a\n", "{d}/rows.csv");
        yield return DataCase("csv header only", "rows.csv", "instruction,output\n", "{d}/rows.csv: the dataset has no rows");
        yield return DataCase("parquet garbage", "rows.parquet", "this is not parquet at all", "{d}/rows.parquet");
        yield return DataBytes("parquet empty file", "rows.parquet", [], "{d}/rows.parquet");
        yield return DataBytes("parquet magic only", "rows.parquet", [.. "PAR1PAR1"u8], "{d}/rows.parquet");
        yield return new("data folder without data files", d => { Write(d, "data/readme.md", "x"); Recipe(d, data: "data"); }, Map, 1, null, "{d}/data: the folder holds no .jsonl");

        // ---- checkpoints and config.json ----
        yield return ModelCase("config.json missing", m => File.Delete(Path.Combine(m, "config.json")), "{d}/m/config.json: file not found");
        yield return ModelCase("config.json not JSON", m => File.WriteAllText(Path.Combine(m, "config.json"), "{ nope"), "{d}/m/config.json");
        yield return ModelCase("config.json without hidden_size", m => File.WriteAllText(Path.Combine(m, "config.json"), File.ReadAllText(Path.Combine(m, "config.json")).Replace("\"hidden_size\"", "\"hidden_sizes\"")), "{d}/m/config.json: required field 'hidden_size' is missing");
        yield return ModelCase("config.json unknown model_type", m => File.WriteAllText(Path.Combine(m, "config.json"), File.ReadAllText(Path.Combine(m, "config.json")).Replace("\"llama\"", "\"bert\"").Replace("LlamaForCausalLM", "BertModel")), "{d}/m/config.json");
        yield return ModelCase("safetensors header not JSON", m => File.WriteAllBytes(Path.Combine(m, "model.safetensors"), Safetensors(string.Concat(Enumerable.Repeat("not json", 100_000)))), "{d}/m/model.safetensors: header is not valid JSON at byte 2; it starts with \"not jsonnot json");
        yield return ModelCase("safetensors name not UTF-8", m => File.WriteAllBytes(Path.Combine(m, "model.safetensors"), [.. BitConverter.GetBytes(8UL), .. "{\"w"u8, 0xff, .. "\":1}"u8]), "{d}/m/model.safetensors: header is not valid UTF-8 text");
        yield return ModelCase("safetensors header length past the end", m => File.WriteAllBytes(Path.Combine(m, "model.safetensors"), [.. BitConverter.GetBytes(1UL << 40), 1, 2, 3]), "{d}/m/model.safetensors: header length 1099511627776 runs past the end of the file");
        yield return ModelCase("safetensors 3 bytes", m => File.WriteAllBytes(Path.Combine(m, "model.safetensors"), [1, 2, 3]), "{d}/m/model.safetensors: file is 3 bytes");
        yield return ModelCase("safetensors offsets past the data", m => File.WriteAllBytes(Path.Combine(m, "model.safetensors"), Safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[4])), "{d}/m/model.safetensors");
        yield return ModelCase("safetensors wrong tensor names", m => File.WriteAllBytes(Path.Combine(m, "model.safetensors"), Safetensors("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4])), "model.safetensors");
        yield return ModelCase("pickle weights only", m => { File.Delete(Path.Combine(m, "model.safetensors")); File.WriteAllBytes(Path.Combine(m, "pytorch_model.bin"), [0x80, 2]); }, "pytorch_model.bin");
        yield return ModelCase("model folder without weights", m => File.Delete(Path.Combine(m, "model.safetensors")), "{d}/m");
        yield return new("gguf bad magic", d => { WriteBytes(d, "m.gguf", [.. "GGML"u8, 1, 2, 3, 4]); Write(d, "rows.jsonl", Rows); Recipe(d, model: Path.Combine(d, "m.gguf")); }, Seed, 1, null, "{d}/m.gguf");
        yield return new("gguf truncated", d => { WriteBytes(d, "m.gguf", Gguf(3, 1, 1)); Write(d, "rows.jsonl", Rows); Recipe(d, model: Path.Combine(d, "m.gguf")); }, Seed, 1, null, "{d}/m.gguf");
        yield return new("gguf claims 2^60 tensors", d => { WriteBytes(d, "m.gguf", Gguf(3, 1UL << 60, 1UL << 60)); Write(d, "rows.jsonl", Rows); Recipe(d, model: Path.Combine(d, "m.gguf")); }, Seed, 1, null, "{d}/m.gguf") { MaxAllocatedBytes = ResourceBudget };
        yield return new("gguf array claims 2^31 items", d => { WriteBytes(d, "m.gguf", Gguf(3, 0, 1, [.. BitConverter.GetBytes(3UL), .. "a.b"u8, .. BitConverter.GetBytes(9u), .. BitConverter.GetBytes(10u), .. BitConverter.GetBytes((ulong)int.MaxValue)])); Write(d, "rows.jsonl", Rows); Recipe(d, model: Path.Combine(d, "m.gguf")); }, Seed, 1, null, "{d}/m.gguf: array length of 'a.b' 2147483647 needs more than the 0 bytes left in the file") { MaxAllocatedBytes = ResourceBudget };
        yield return new("gguf version 99", d => { WriteBytes(d, "m.gguf", Gguf(99, 0, 0)); Write(d, "rows.jsonl", Rows); Recipe(d, model: Path.Combine(d, "m.gguf")); }, Seed, 1, null, "{d}/m.gguf");

        // ---- tokenizers ----
        yield return new("tokenizer.json missing", d => Model(d, m => File.Delete(Path.Combine(m, "tokenizer.json"))), Tokenize("{d}/m"), 1, null, "tokenizer.json");
        yield return new("tokenizer.json not JSON", d => Model(d, m => File.WriteAllText(Path.Combine(m, "tokenizer.json"), "{\"model\": ")), Tokenize("{d}/m"), 1, null, "{d}/m/tokenizer.json");
        yield return new("tokenizer.json WordPiece", d => Model(d, m => File.WriteAllText(Path.Combine(m, "tokenizer.json"), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}")), Tokenize("{d}/m"), 1, null, "WordPiece");
        yield return new("tokenizer.json nested 10000 deep", d => Model(d, m => File.WriteAllText(Path.Combine(m, "tokenizer.json"), "{\"model\": " + Deep(10_000) + "}")), Tokenize("{d}/m"), 1, null, "{d}/m/tokenizer.json");
        yield return new("tokenizer.json merge of numbers", d => Model(d, m => File.WriteAllText(Path.Combine(m, "tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [[1, 2]]}}")), Tokenize("{d}/m"), 1, null, "{d}/m/tokenizer.json: a field is missing or has the wrong type");
        yield return new("tokenizer.json is a folder", d => Model(d, m => { File.Delete(Path.Combine(m, "tokenizer.json")); Directory.CreateDirectory(Path.Combine(m, "tokenizer.json")); }), Tokenize("{d}/m"), 1, null, "tokenizer.json");
        yield return new("tokenizer_config.json not JSON", d => Model(d, m => File.WriteAllText(Path.Combine(m, "tokenizer_config.json"), "[")), Tokenize("{d}/m"), 1, null, "{d}/m/tokenizer_config.json");
        yield return new("tokenize --jsonl bad line", d => Write(d, "t.jsonl", "{\"text\": \"a\"}\n{oops\n"), ["tokenize", "--model", TinyModel, "--jsonl", "{d}/t.jsonl"], 1, null, "t.jsonl");
        yield return new("tokenize model path missing", _ => { }, Tokenize("{d}/nope"), 1, null, "{d}/nope");

        // ---- chat templates ----
        yield return TemplateCase("template syntax error", "{% for m in messages %}\n{{ m.content }\n{% endfor %}", "t.jinja:3:13: unexpected end of template");
        yield return TemplateCase("template center 4e9", "{{ 'x'|center(4000000000) }}", "t.jinja:1:8: output size limit exceeded", budget: 64L << 20);
        yield return TemplateCase("template center 1e9", "{{ 'x'|center(1000000000) }}", "t.jinja:1:8: output size limit exceeded", budget: 64L << 20);
        yield return TemplateCase("template center int max", "{{ 'x'|center(2147483647) }}", "t.jinja:1:8: output size limit exceeded", budget: 64L << 20);
        yield return TemplateCase("template indent 1e9", "{{ 'a\nb'|indent(1000000000) }}", "output size limit exceeded", budget: 64L << 20);
        yield return TemplateCase("template replace growth", "{% set ns = namespace(s='ab') %}{% for i in range(100) %}{% set ns.s = ns.s.replace('a', 'aaaa') %}{% endfor %}", "t.jinja:1:", budget: ResourceBudget);
        yield return TemplateCase("template list doubled 30 times", "{% set ns = namespace(l=[1]) %}{% for i in range(30) %}{% set ns.l = ns.l + ns.l %}{% endfor %}", "list size limit exceeded", budget: ResourceBudget);
        yield return TemplateCase("template tojson 100000 deep", "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x|tojson }}", "value nested too deeply", budget: ResourceBudget);
        yield return TemplateCase("template runaway loop", "{% for i in range(100000000) %}{% endfor %}", "t.jinja:1:4: loop iteration limit exceeded");
        yield return TemplateCase("template infinite recursion", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}", "recursion depth limit exceeded");
        yield return TemplateCase("template raise_exception", "{{ raise_exception('Only user and assistant roles are supported') }}", "t.jinja:1:4: Only user and assistant roles are supported");
        yield return TemplateCase("template string * 4e9", "{{ 'x' * 4000000000 }}", "output size limit exceeded", budget: 64L << 20);
        yield return TemplateCase("template output 16M", "{% for i in range(1000) %}{{ 'x' * 20000 }}{% endfor %}", "output size limit exceeded", budget: ResourceBudget);
        yield return TemplateCase("template *args not iterable", "{% macro f(a) %}{% endmacro %}{{ f(*5) }}", "'int' object is not iterable");
        yield return TemplateCase("template deep parentheses", "{{ " + new string('(', 5000) + "1" + new string(')', 5000) + " }}", "nested too deeply");
        yield return TemplateCase("template context not JSON", "{{ 1 }}", "c.json", context: "{ nope");
        yield return TemplateCase("template context not an object", "{{ 1 }}", "c.json", context: "[1]");
        yield return new("template file missing", d => Write(d, "c.json", "{}"), Render, 1, null, "t.jinja");
        yield return new("template is a folder", d => { Directory.CreateDirectory(Path.Combine(d, "t.jinja")); Write(d, "c.json", "{}"); }, Render, 1, null, "t.jinja");
        yield return new("model without chat template", d => { Model(d, m => File.WriteAllText(Path.Combine(m, "tokenizer_config.json"), "{}")); Write(d, "c.json", "{}"); }, ["template", "render", "--model", "{d}/m", "--context", "{d}/c.json"], 1, null, "{d}/m");

        // ---- store faults and paths ----
        yield return new("store path is a file", d => { Write(d, "rows.jsonl", Rows); Recipe(d); Write(d, "store", "x"); }, Map, 1, null, "{d}/store");
        yield return new("recipe lock path is a folder", d => { Write(d, "rows.jsonl", Rows); Recipe(d); Directory.CreateDirectory(Path.Combine(d, "r.lock")); }, ["run", "{d}/r.yaml", "--only", "tokenize", "--store", "{d}/store"], 1, null, "{d}/r.lock: the recipe's lock file is a folder");
        yield return new("store lock path is a folder", d => { Write(d, "rows.jsonl", Rows); Recipe(d); Directory.CreateDirectory(Path.Combine(d, "store", ".lock")); }, Map, 1, null, "{d}/store/.lock: the store's lock file is a folder");
        yield return new("score model missing", _ => { }, ["score", "--model", "{d}/nope", "--text", "hi"], 1, null, "{d}/nope");
        yield return new("generate model is /dev/zero", _ => { }, ["generate", "--model", "/dev/zero", "--prompt", "hi"], 1, null, "/dev/zero");
        yield return new("chat folder missing", _ => { }, ["chat", "{d}/nope", "hi"], 1, null, "{d}/nope");
        yield return new("unknown option", _ => { }, ["validate", "--bogus"], 1, null, "bogus");
        yield return new("unknown command", _ => { }, ["frobnicate"], 1, null, "frobnicate");
    }
}
