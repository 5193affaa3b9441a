using Qarion.Client.Http;

namespace Qarion.Client.Tests;

/// <summary>How a failure's chain of exceptions becomes the reason a message gives: every message once, outermost first.</summary>
public sealed class FlattenTests
{
    [Fact]
    public void Each_message_of_the_chain_is_given_once_outermost_first_without_its_final_period()
    {
        var chain = new HttpRequestException("An error occurred while sending the request.",
            new IOException("Unable to read data from the transport connection.",
                new Exception("Connection reset by peer")));

        Assert.Equal("An error occurred while sending the request: Unable to read data from the transport connection: Connection reset by peer",
            QarionTransport.Flatten(chain));
    }

    [Fact]
    public void A_message_already_said_by_an_outer_one_and_a_blank_one_are_left_out()
    {
        var chain = new Exception("  ", new HttpRequestException("Connection refused (127.0.0.1:9)",
            new Exception("Connection refused.", new Exception("the system's own words"))));

        Assert.Equal("Connection refused (127.0.0.1:9): the system's own words", QarionTransport.Flatten(chain));
    }
}
