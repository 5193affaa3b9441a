using Qarion.Client.Http;

namespace Qarion.Client.Tests;

/// <summary>Server text is data: folded to one line and made inert for every CI's log commands, exactly.</summary>
public sealed class ServerTextTests
{
    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("plain text", "plain text")]
    [InlineData("a\r\n\tb", "a b")]
    [InlineData("\n\nlead", "lead")]
    [InlineData("end \n", "end ")]
    [InlineData("a\u2028b\u2029c", "a b c")]
    [InlineData("x ##vso[task.setvariable variable=k]y", "x ##vso [task.setvariable variable=k]y")]
    [InlineData("x ##VSO[task.complete]", "x ##vso [task.complete]")]
    [InlineData("##[error]boom", "## [error]boom")]
    [InlineData("::error::x", ": :error::x")]
    [InlineData("  ::warning file=a::b", "  : :warning file=a::b")]
    [InlineData("a:: b", "a:: b")]
    // Folded into one line, a "::" that led the second line no longer leads one: GitHub acts only on a line that starts with it.
    [InlineData("first\n::set-output name=x::1", "first ::set-output name=x::1")]
    public void Neutralize_gives_one_inert_line(string? text, string expected)
    {
        Assert.Equal(expected, ServerText.Neutralize(text));
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("one\r\n::two\n##[three]\u2028::x", "one\n: :two\n## [three]\n: :x")]
    [InlineData("  at Frame()\n  ::debug::y", "  at Frame()\n  : :debug::y")]
    public void NeutralizeLines_keeps_the_lines_and_makes_each_inert(string? text, string expected)
    {
        Assert.Equal(expected, ServerText.NeutralizeLines(text));
    }

    [Fact]
    public void A_body_is_not_text_from_one_odd_character_in_a_hundred()
    {
        Assert.False(ServerText.IsNotText(""));
        Assert.False(ServerText.IsNotText("a\tb\r\nc"));
        Assert.True(ServerText.IsNotText("\uFFFD"));
        Assert.True(ServerText.IsNotText(new string('a', 99) + "\u0001"));
        Assert.False(ServerText.IsNotText(new string('a', 100) + "\u0001"));
        Assert.True(ServerText.IsNotText(new string('a', 98) + "\u0001\u0002"));
    }
}
