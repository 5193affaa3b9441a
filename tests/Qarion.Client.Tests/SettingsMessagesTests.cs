using Qarion.Client.Http;

namespace Qarion.Client.Tests;

/// <summary>Every refused option says, in the client's own terms, what was wrong and what to set.</summary>
public sealed class SettingsMessagesTests
{
    private static QarionConfigurationException Refused(Action<QarionClientOptions> configure)
    {
        var options = new QarionClientOptions { ApiKey = "qk_settings-0a1b2c", BaseUrl = new Uri("https://api.qarion.example/") };
        configure(options);
        return Assert.Throws<QarionConfigurationException>(() => new QarionClient(options));
    }

    [Fact]
    public void No_key_says_where_a_key_comes_from()
    {
        var error = Refused(o => { o.ApiKey = " "; o.GetEnvironmentVariable = _ => null; });

        Assert.Equal("No Qarion API key: set QarionClientOptions.ApiKey or the QARION_API_KEY environment variable. Keys are created in Qarion's UI (use a service account's key in CI).", error.Message);
    }

    [Fact]
    public void A_key_that_cannot_be_sent_names_where_it_was_read_from()
    {
        var error = Refused(o => o.ApiKey = "qk_line\nbreak");

        Assert.StartsWith("The Qarion API key (QarionClientOptions.ApiKey or QARION_API_KEY) ", error.Message);
        Assert.DoesNotContain("qk_line", error.Message);
    }

    [Theory]
    [InlineData("retries", "MaxRetries is -1; it must be 0 or more.")]
    [InlineData("timeout", "RequestTimeout is 00:00:00; it must be positive.")]
    [InlineData("total", "TotalTimeout must be positive, and RetryBaseDelay and MaxRetryDelay not negative.")]
    [InlineData("base", "TotalTimeout must be positive, and RetryBaseDelay and MaxRetryDelay not negative.")]
    public void A_number_out_of_range_is_named_with_its_value(string which, string message)
    {
        var error = Refused(o =>
        {
            switch (which)
            {
                case "retries": o.MaxRetries = -1; break;
                case "timeout": o.RequestTimeout = TimeSpan.Zero; break;
                case "total": o.TotalTimeout = TimeSpan.Zero; break;
                default: o.RetryBaseDelay = TimeSpan.FromSeconds(-1); break;
            }
        });

        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("https://ana:s3cret@api.qarion.example/qarion/", "The base URL holds a user name or password (https://***@api.qarion.example/qarion/); the API key is the only credential sent: remove it from the URL.")]
    [InlineData("https://api.qarion.example/qarion/?sig=s3cret", "The base URL has a query (https://api.qarion.example/qarion/?…); requests are made below the URL's path and cannot keep it: remove it (a path prefix such as https://host/qarion/ is kept).")]
    [InlineData("https://api.qarion.example/#s3cret", "The base URL has a fragment (https://api.qarion.example/#…); requests are made below the URL's path and cannot keep it: remove it (a path prefix such as https://host/qarion/ is kept).")]
    [InlineData("http://api.qarion.example/", "The base URL 'http://api.qarion.example/' uses plain http:// to a host that is not loopback, which would send the API key in clear text. Use https://, or set AllowInsecureHttp if this is really meant.")]
    [InlineData("ftp://api.qarion.example/", "The base URL 'ftp://api.qarion.example/' must use https:// (or http:// on loopback).")]
    public void A_base_url_that_cannot_be_used_says_why_and_never_shows_a_secret_in_it(string url, string message)
    {
        var error = Refused(o => o.BaseUrl = new Uri(url));

        Assert.Equal(message, error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public void A_url_without_user_information_is_shown_up_to_its_path()
    {
        Assert.Equal("https://api.qarion.example/qarion/", BaseUrlRules.Display(new Uri("https://api.qarion.example/qarion/?q=1")));
    }
}
