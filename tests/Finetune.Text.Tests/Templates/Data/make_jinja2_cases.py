"""Regenerates jinja2_cases.json: templates rendered by Python Jinja2 (3.1.6 when made) set up as Hugging Face
transformers does for apply_chat_template. The C# tests must reproduce every expected output byte for byte.

Run: python3 make_jinja2_cases.py   (needs jinja2; reads ../shared/reference/chat_templates for the model templates)
"""
import datetime, json, os, random
import jinja2
from jinja2.exceptions import TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

HERE = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(HERE, "../../../../../shared/reference/chat_templates")
NOW = datetime.datetime(2024, 7, 26, 13, 5, 9)  # the tests pin strftime_now to this


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise TemplateError(message)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda fmt: NOW.strftime(fmt)


def whitespace_cases():
    """Random mixes of tags, signs and whitespace: trim_blocks/lstrip_blocks are easy to get subtly wrong."""
    rng = random.Random(7)
    pieces = ["{% if true %}", "{%- if true %}", "{% if true -%}", "{%+ if true %}", "{{ 'v' }}", "{{- 'v' }}", "{{ 'v' -}}",
              "{# c #}", "{#- c -#}", "{% set q = 1 %}", "{% for i in [1,2] %}", "END", "\n", "  ", "\t", " x ", "\n  ",
              "y\n", "\n\n", "{% raw %} r {% endraw %}"]
    for n in range(400):
        parts, stack = [], []
        for _ in range(rng.randint(3, 12)):
            p = rng.choice(pieces)
            if p == "END":
                if not stack:
                    continue
                p = rng.choice(["{% end{} %}", "{%- end{} %}", "{% end{} -%}"]).replace("{}", stack.pop())
            elif "if true" in p:
                stack.append("if")
            elif "for i" in p:
                stack.append("for")
            parts.append(p)
        while stack:
            parts.append("{% end" + stack.pop() + " %}" + rng.choice(["", "\n", "  \n"]))
        yield {"name": f"whitespace_{n}", "template": "".join(parts), "context": {}}


EXPRESSIONS = r"""'abc'|center(9) ~ '|'
0.1 + 0.2
1e-7
123456789.123
12345678901234567.0
-0.0
10 / 4
7.0 // 2
-7.5 % 2
'abcdef'[-100:100]
[1,2,3][::-1][0]
{'a':1}.a
[1] * 3
not 1 == 2
range(1, 10, 2)
"a" "b"
1_000
{'b':1,'a':2}|dictsort(by='value')
['it\'s', "q\"", 'a\\b', '\n']
{'k': 'it\'s'}|string
(1, 'a')|tojson
true + 1
[1,2] in [[1,2]]
'ab' < 'abc'
1e100
123456789012345.6
1/7
'   '.split()
'a\tb\nc'.split()
''.split(',')
'abc'.replace('', '-')
[{'a':2},{'a':1}]|sort(attribute='a')
{'b':1,'a':2}|tojson(sort_keys=true, indent=2)
{'a':[{'b':[]}, {}]}|tojson(indent='\t')
messages|map(attribute='role')|join(',')
messages|selectattr('role', 'equalto', 'user')|list|length
messages[-1]['content'][:2]
2.675|round(2)
0.125|round(2)
1234.5678|round(-2)
strftime_now('%a %d %b %Y %H:%M:%S %p %j')""".split("\n")


def expression_cases():
    ctx = {"messages": [{"role": "user", "content": "hi there"}, {"role": "assistant", "content": "yo man"}]}
    for i, e in enumerate(EXPRESSIONS):
        yield {"name": f"expression_{i}: {e}", "template": "{{ " + e + " }}", "context": ctx}


WEATHER = [{"type": "function", "function": {"name": "get_weather", "description": "Get the weather ü 天气", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}, "days": {"type": "integer", "default": 1},
                                     "x": {"type": "number", "default": 1.5}}, "required": ["city"]}}}]
CONTEXTS = {
    "hello": {"messages": [{"role": "user", "content": "Hello!"}], "add_generation_prompt": True, "bos_token": "<s>", "eos_token": "</s>"},
    "multi": {"messages": [{"role": "system", "content": " Be nice. "}, {"role": "user", "content": "Hi"},
                           {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nHello there"},
                           {"role": "user", "content": "And 你好? 🦙"}], "add_generation_prompt": False, "bos_token": "<s>", "eos_token": "</s>"},
    "tools": {"messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "Weather in Paris?"},
                           {"role": "assistant", "content": None, "tool_calls": [{"id": "abcdefghi", "type": "function", "function": {
                               "name": "get_weather", "arguments": {"city": "Paris", "days": 2}}}]},
                           {"role": "tool", "tool_call_id": "abcdefghi", "content": "{\"temp\": 20}"},
                           {"role": "assistant", "content": "It is 20."}],
              "tools": WEATHER, "add_generation_prompt": True, "bos_token": "<s>", "eos_token": "</s>"},
    "thinking_off": {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4", "reasoning_content": "easy"},
                                  {"role": "user", "content": "3+3?"}], "add_generation_prompt": True, "enable_thinking": False,
                     "bos_token": "<s>", "eos_token": "</s>"},
}


def model_template_cases():
    for file in sorted(f for f in os.listdir(TEMPLATES) if f.endswith(".jinja")):
        for name, ctx in CONTEXTS.items():
            yield {"name": f"{file}: {name}", "template_file": file, "context": ctx}


def main():
    cases = []
    for case in [*whitespace_cases(), *expression_cases(), *model_template_cases()]:
        source = case.get("template") or open(os.path.join(TEMPLATES, case["template_file"]), encoding="utf-8").read()
        try:
            case["expected"] = env.from_string(source).render(**case["context"])
        except Exception as e:  # the template itself fails (raise_exception, or e.g. None content): C# must fail too
            case["expected_error"] = f"{type(e).__name__}: {e}"
        cases.append(case)
    with open(os.path.join(HERE, "jinja2_cases.json"), "w", encoding="utf-8") as f:
        json.dump({"generator": f"make_jinja2_cases.py, Jinja2 {jinja2.__version__}", "cases": cases}, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
