using Finetune.Pipeline;
using Finetune.Text.Templates;

namespace Finetune.Tool.Tests;

public sealed class UserErrorsTests
{
    [Fact]
    public void Bad_input_types_give_one_line_and_subclasses_count()
    {
        Assert.Equal("a: b c", UserErrors.Describe(new PipelineException("a: b\nc")));
        Assert.NotNull(UserErrors.Describe(new TemplateSyntaxException("x", "t", 1, 2))); // a TemplateException
        Assert.Equal("gone", UserErrors.Describe(new FileNotFoundException("gone")));
    }

    [Fact]
    public void Any_other_type_is_a_bug_whatever_its_namespace()
    {
        Assert.Null(UserErrors.Describe(new InvalidOperationException("bug")));
        Assert.Null(UserErrors.Describe(new OurBugException()));
    }

    private sealed class OurBugException() : Exception("a Finetune.* type that is not bad input");
}
