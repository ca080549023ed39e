namespace Finetune.Text.Tests.Templates;

/// <summary>tojson must equal Python's json.dumps(x, ensure_ascii=False, ...) byte for byte.</summary>
public sealed class TojsonTests
{
    [Theory]
    [InlineData("{{ {'b': 1, 'a': [1, 2.5, 'ü\\n\"'], 'c': none, 'd': true}|tojson }}", "{\"b\": 1, \"a\": [1, 2.5, \"ü\\n\\\"\"], \"c\": null, \"d\": true}")]
    [InlineData("{{ {'b': 1, 'a': [1]}|tojson(indent=2) }}", "{\n  \"b\": 1,\n  \"a\": [\n    1\n  ]\n}")]
    [InlineData("{{ {'b': 1, 'a': 2}|tojson(sort_keys=true) }}", "{\"a\": 2, \"b\": 1}")]
    [InlineData("{{ {'a': [1, 2]}|tojson(separators=(',', ':')) }}", "{\"a\":[1,2]}")]
    [InlineData("{{ []|tojson(indent=2) }}|{{ {}|tojson }}|{{ [[]]|tojson(indent=1) }}", "[]|{}|[\n []\n]")]
    [InlineData("{{ 'x\\u2028\\x01é\\t\\\\'|tojson }}", "\"x\u2028\\u0001é\\t\\\\\"")]
    [InlineData("{{ 1.0|tojson }}|{{ 1e20|tojson }}|{{ 'x'|tojson }}|{{ none|tojson }}|{{ false|tojson }}", "1.0|1e+20|\"x\"|null|false")]
    [InlineData("{{ 'é😀'|tojson(ensure_ascii=true) }}", "\"\\u00e9\\ud83d\\ude00\"")]
    [InlineData("{{ 'a'|tojson(indent=4) }}", "\"a\"")]
    public void Tojson_matches_python_json_dumps(string template, string expected) =>
        Assert.Equal(expected, Jinja.Render(template));

    [Fact]
    public void Tojson_keeps_context_numbers_as_ints_or_floats_like_json_loads()
    {
        Assert.Equal("{\"a\": 1, \"b\": 1.0, \"c\": 1.5e-07, \"d\": \"你好\"}", Jinja.Render("{{ x|tojson }}", """{"x": {"a": 1, "b": 1.0, "c": 1.5e-7, "d": "你好"}}"""));
    }

    [Fact]
    public void Tojson_indent_four_matches_llama_tool_layout()
    {
        const string expected = "{\n    \"name\": \"f\",\n    \"parameters\": {\n        \"required\": [\n            \"city\"\n        ]\n    }\n}";
        Assert.Equal(expected, Jinja.Render("{{ t|tojson(indent=4) }}", """{"t": {"name": "f", "parameters": {"required": ["city"]}}}"""));
    }
}
