using Finetune.Recipes;
using Finetune.Text.Templates;
using Finetune.Text.Tokenizers;

namespace Finetune.Pipeline.Mapping;

/// <summary>
/// Renders a conversation with the chat template (pinned template variables, the tokenizer's bos/eos
/// tokens), tokenizes it as <c>apply_chat_template</c> does (no second BOS when the template writes one;
/// BOS added once when it does not) and builds the loss mask.
/// <para>
/// <see cref="LossOn.Assistant"/>: when the template marks <c>{% generation %}</c> spans, the tokens that
/// overlap a span. Otherwise, per assistant message, the tokens between the conversation rendered up to it
/// with the generation prompt and the conversation rendered up to and including it: its content and its
/// end-of-turn marker (trailing whitespace-only tokens such as ChatML's newline left out). The first prefix's
/// ids must be a prefix of the whole conversation's ids. Where the second is not, because the template renders
/// an earlier turn differently once later turns follow (Qwen3 drops the thinking of turns before the last user
/// message), the turn ends at the first end-of-sequence token after its start, as rendered in the whole
/// conversation. <see cref="LossOn.All"/>: every token but the first.
/// </para>
/// </summary>
public sealed class ConversationTokenizer
{
    private readonly HfTokenizer _tokenizer;
    private readonly ChatTemplate _template;
    private readonly IReadOnlyDictionary<string, object?> _vars;
    private readonly LossOn _lossOn;
    private readonly CancellationToken _cancellation;

    /// <param name="cancellation">Ctrl-C: every render checks it at each statement and loop iteration</param>
    public ConversationTokenizer(HfTokenizer tokenizer, ChatTemplate template, IReadOnlyDictionary<string, string> templateVars, LossOn lossOn,
        CancellationToken cancellation = default)
    {
        _tokenizer = tokenizer;
        _template = template;
        _vars = TemplateVarValues.From(templateVars);
        _lossOn = lossOn;
        _cancellation = cancellation;
    }

    /// <summary>Which tokens the masks mark.</summary>
    public LossOn LossOn => _lossOn;

    /// <summary>Renders and tokenizes the whole conversation and marks its loss tokens.</summary>
    /// <exception cref="TemplateException">The chat template failed on this conversation.</exception>
    public TokenizedConversation Tokenize(IReadOnlyList<ChatMessage> messages)
    {
        var rendered = Render(messages, addGenerationPrompt: false);
        var addBos = _tokenizer.NeedsBos(rendered.Text);
        var ids = _tokenizer.Encode(rendered.Text, addBos).ToArray();
        var mask = new byte[ids.Length];
        if (_lossOn == LossOn.All)
            Array.Fill(mask, (byte)1, 1, Math.Max(0, ids.Length - 1));
        else if (rendered.GenerationSpans.Count > 0)
            MarkGenerationSpans(rendered, addBos, ids, mask);
        else
            MarkAssistantTurns(messages, addBos, ids, mask);
        if (mask.Length > 0) mask[0] = 0;
        return new TokenizedConversation(rendered.Text, ids, mask);
    }

    /// <summary>
    /// The prompt a model answers: these messages rendered with the generation prompt (or, with
    /// <paramref name="addGenerationPrompt"/> false, ending after the last message), and its ids.
    /// </summary>
    public (string Text, int[] Ids) RenderPrompt(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt = true)
    {
        var text = Render(messages, addGenerationPrompt).Text;
        return (text, _tokenizer.EncodeRendered(text).ToArray());
    }

    private TemplateRenderResult Render(IEnumerable<ChatMessage> messages, bool addGenerationPrompt) =>
        _template.RenderMessages(messages.Select(m => m.ToTemplateValue()), addGenerationPrompt,
            _tokenizer.BosToken, _tokenizer.EosToken, _vars, _cancellation);

    private void MarkAssistantTurns(IReadOnlyList<ChatMessage> messages, bool addBos, int[] ids, byte[] mask)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role != "assistant") continue;
            var before = PrefixLength(messages.Take(i), addGenerationPrompt: true, addBos, ids)
                ?? throw NotAPrefix(before: true, i);
            var through = PrefixLength(messages.Take(i + 1), addGenerationPrompt: false, addBos, ids) ?? EndOfTurn(ids, before, i);
            if (through < before)
                throw new TemplatePrefixException($"chat template {_template.Name}: the generation prompt before assistant message {i} is longer than the rendered message itself");
            while (through > before + 1 && IsWhitespace(ids[through - 1])) through--;
            Array.Fill(mask, (byte)1, before, through - before);
        }
    }

    /// <summary>Just past the first end-of-sequence token at or after <paramref name="start"/>.</summary>
    private int EndOfTurn(int[] ids, int start, int turn)
    {
        var eos = _tokenizer.EosIds;
        for (var j = start; j < ids.Length; j++)
            if (eos.Contains(ids[j]))
                return j + 1;
        throw NotAPrefix(before: false, turn);
    }

    private TemplatePrefixException NotAPrefix(bool before, int turn) => new(
        $"chat template {_template.Name}: the tokens of the conversation rendered up to {(before ? "before" : "and including")} " +
        $"assistant message {turn} are not a prefix of the whole conversation's tokens, so its loss span cannot be found " +
        "(the template rewrites earlier turns, or a token merges across the turn boundary); use loss_on: all or a template with {% generation %} blocks");

    private int? PrefixLength(IEnumerable<ChatMessage> messages, bool addGenerationPrompt, bool addBos, int[] ids)
    {
        var prefix = _tokenizer.Encode(Render(messages, addGenerationPrompt).Text, addBos);
        return CommonPrefix(prefix, ids) == prefix.Count ? prefix.Count : null;
    }

    /// <summary>Marks every token that overlaps a span: a boundary inside a token takes the whole token, as HF's char_to_token mask does.</summary>
    private void MarkGenerationSpans(TemplateRenderResult rendered, bool addBos, int[] ids, byte[] mask)
    {
        foreach (var (start, length) in rendered.GenerationSpans)
        {
            if (length == 0) continue;
            var first = CommonPrefix(_tokenizer.Encode(rendered.Text[..start], addBos), ids);
            var endIds = _tokenizer.Encode(rendered.Text[..(start + length)], addBos);
            var end = CommonPrefix(endIds, ids);
            if (end < endIds.Count) end = Math.Min(ids.Length, end + 1);
            if (end > first) Array.Fill(mask, (byte)1, first, end - first);
        }
    }

    private bool IsWhitespace(int id) =>
        !_tokenizer.AddedTokens.Any(t => t.Id == id) && string.IsNullOrWhiteSpace(_tokenizer.Decode([id]));

    private static int CommonPrefix(IReadOnlyList<int> a, int[] b)
    {
        var n = Math.Min(a.Count, b.Length);
        var i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }
}
