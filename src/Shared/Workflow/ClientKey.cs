using Qarion.Client.Http;

namespace Qarion.Workflow;

/// <summary>The API key as a run may use it: present and well formed, or a coded failure that says where it is read from.</summary>
internal static class ClientKey
{
    public static string Require(string? key, IRunContext settings)
    {
        var variable = settings.ApiKeyEnvironmentVariable;
        if (key is null)
        {
            throw UploadFailure.Config(Codes.ApiKeyMissing,
                $"The environment variable {variable} ({settings.Names.ApiKeyVariable}) is not set or empty, so there is no Qarion API key. " +
                $"In CI, map a secret into it; locally, export it in your shell. The key is never read from {settings.Names.KeyNeverFrom}.");
        }

        if (ApiKeyFormat.Problem(key) is { } problem)
        {
            throw UploadFailure.Config(Codes.ApiKeyMalformed,
                $"The API key in the environment variable {variable} ({settings.Names.ApiKeyVariable}) {problem}. Store the key again as the secret behind {variable}; nothing was sent.");
        }

        return key;
    }
}
