using Qarion.Tests.Shared;

namespace Qarion.Client.Tests.Support;

public static class Secrets
{
    /// <summary>The key must not be in the message, the ToString (stack and inner exceptions) or any detail.</summary>
    public static void AssertNoKey(Exception exception, string key = ServerHarness.Key)
    {
        Assert.DoesNotContain(key, exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(key, exception.Message, StringComparison.Ordinal);
        if (exception is QarionException q)
        {
            Assert.DoesNotContain(key, q.ResponseBody ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(key, q.Detail?.ToString() ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(key, q.Detail?.GetRawText() ?? "", StringComparison.Ordinal);
        }
    }
}
