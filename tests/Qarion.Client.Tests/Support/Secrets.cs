using Qarion.Tests.Shared;

namespace Qarion.Client.Tests.Support;

public static class Secrets
{
    /// <summary>The key must not be in the message, the ToString (stack and inner exceptions) or any detail.</summary>
    public static void AssertNoKey(Exception exception)
    {
        Assert.DoesNotContain(ServerHarness.Key, exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ServerHarness.Key, exception.Message, StringComparison.Ordinal);
        if (exception is QarionException q)
        {
            Assert.DoesNotContain(ServerHarness.Key, q.ResponseBody ?? "", StringComparison.Ordinal);
            Assert.DoesNotContain(ServerHarness.Key, q.Detail?.GetRawText() ?? "", StringComparison.Ordinal);
        }
    }
}
