using Qarion.Testing;

namespace Qarion.Client.Tests.Support;

public static class Secrets
{
    public static IEnumerable<string> FormsOf(string key) => KeyForms.Of(key);

    /// <summary>No form of the key in the text.</summary>
    public static void AssertNoKey(string text, string key = ServerHarness.Key)
    {
        foreach (var form in FormsOf(key))
        {
            Assert.DoesNotContain(form, text, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>No form of the key in the message, the ToString (stack and inner exceptions) or any detail.</summary>
    public static void AssertNoKey(Exception exception, string key = ServerHarness.Key)
    {
        AssertNoKey(exception.ToString(), key);
        AssertNoKey(exception.Message, key);
        if (exception is QarionException q)
        {
            AssertNoKey(q.ResponseBody ?? "", key);
            AssertNoKey(q.Detail?.ToString() ?? "", key);
            AssertNoKey(q.Detail?.GetRawText() ?? "", key);
        }
    }
}
