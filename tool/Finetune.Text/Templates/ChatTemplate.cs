namespace Finetune.Text.Templates;

/// <summary>
/// A compiled Hugging Face chat template. Renders the Jinja subset HF templates use, with HF's settings
/// (trim_blocks, lstrip_blocks, loop controls, <c>tojson</c>, <c>raise_exception</c>, <c>strftime_now</c>,
/// <c>{% generation %}</c>), sandboxed: only dict/list/string/number values, bounded loops, recursion and output.
/// </summary>
public sealed class ChatTemplate
{
    private readonly IReadOnlyList<Stmt> _body;
    private readonly Lazy<(IReadOnlySet<string> Read, IReadOnlySet<string> Printed)> _variables;

    private ChatTemplate(string source, string name, IReadOnlyList<Stmt> body, IReadOnlyDictionary<string, string> specialTokens)
    {
        Source = source;
        Name = name;
        _body = body;
        SpecialTokens = specialTokens;
        _variables = new(() => TemplateVariables.Find(body));
    }

    public string Source { get; }

    /// <summary>Used as the file part of error messages (<c>name:line:col: ...</c>).</summary>
    public string Name { get; }

    /// <summary>
    /// Variables every render gets unless the context sets them, as apply_chat_template passes the tokenizer's
    /// special tokens (<c>bos_token</c>, <c>eos_token</c>...). Empty for a template parsed from text.
    /// </summary>
    public IReadOnlyDictionary<string, string> SpecialTokens { get; }

    /// <summary>
    /// The context variables the template reads (names it uses before binding them itself, global functions
    /// excluded), as Jinja's <c>meta.find_undeclared_variables</c>; found without rendering, sorted.
    /// </summary>
    public IReadOnlySet<string> UndeclaredVariables => _variables.Value.Read;

    /// <summary>The subset of <see cref="UndeclaredVariables"/> printed as text: <c>{{ name }}</c> or <c>{{ name | filter }}</c>.</summary>
    public IReadOnlySet<string> PrintedVariables => _variables.Value.Printed;

    /// <summary>Parses <paramref name="source"/>; throws <see cref="TemplateSyntaxException"/> with line and column.</summary>
    public static ChatTemplate Parse(string source, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var templateName = name ?? "template";
        return new ChatTemplate(source, templateName, Parser.Parse(source, templateName), new Dictionary<string, string>());
    }

    /// <summary>Reads and parses a template file; errors name the file.</summary>
    public static ChatTemplate Load(string path) => Parse(File.ReadAllText(path), Path.GetFileName(path));

    /// <summary>
    /// The chat template of a Hugging Face model folder (or its tokenizer_config.json): <c>chat_template.jinja</c>
    /// or tokenizer_config.json's <c>chat_template</c>, with the config's special tokens as defaults.
    /// Throws <see cref="TemplateLoadException"/> when there is none.
    /// </summary>
    public static ChatTemplate LoadFromModel(string modelPath)
    {
        var (source, name, tokens) = ModelTemplateReader.Read(modelPath);
        return Parse(source, name).WithSpecialTokens(tokens);
    }

    /// <summary>This template with <paramref name="specialTokens"/> as default variables (see <see cref="SpecialTokens"/>).</summary>
    public ChatTemplate WithSpecialTokens(IReadOnlyDictionary<string, string> specialTokens) =>
        new(Source, Name, _body, new Dictionary<string, string>(specialTokens, StringComparer.Ordinal));

    /// <summary>Renders with the context's variables; throws a <see cref="TemplateException"/> subtype on failure.</summary>
    public TemplateRenderResult Render(TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, token) in SpecialTokens)
            variables[name] = token;
        foreach (var (name, value) in context.Variables)
            variables[name] = value;
        var renderer = new Renderer(Name, context.Limits, context.Cancellation);
        return renderer.Render(_body, variables, context.Now ?? DateTimeOffset.Now);
    }

    /// <summary>
    /// Renders a conversation the way <c>apply_chat_template</c> does. Each message is a dictionary or JSON
    /// object (<c>role</c>, <c>content</c>, optional <c>tool_calls</c>...). Null tokens stay undefined.
    /// </summary>
    public TemplateRenderResult RenderMessages(
        IEnumerable<object> messages,
        bool addGenerationPrompt = false,
        string? bosToken = null,
        string? eosToken = null,
        IReadOnlyDictionary<string, object?>? extraVars = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var context = new TemplateContext { Cancellation = cancellation };
        if (extraVars != null)
            foreach (var (name, value) in extraVars)
                context.Set(name, value);
        context.Set("messages", messages.ToList());
        context.Set("add_generation_prompt", addGenerationPrompt);
        if (bosToken != null)
            context.Set("bos_token", bosToken);
        if (eosToken != null)
            context.Set("eos_token", eosToken);
        return Render(context);
    }
}
