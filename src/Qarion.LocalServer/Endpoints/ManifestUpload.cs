using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Qarion.LocalServer.State;

namespace Qarion.LocalServer.Endpoints;

/// <summary>
/// POST …/dbt-manifest: reads the multipart body as a stream (never whole), hashes what arrives so
/// tests can prove it byte-identical, and reads the manifest to give its sync job real counts.
/// </summary>
internal static class ManifestUpload
{
    public static async Task<IResult> ReceiveAsync(HttpContext http, CatalogState state, string slug, string id)
    {
        if (state.FindConnector(slug, id) is null)
        {
            return ApiEndpoints.NotFound(id);
        }

        if (state.Options.MaxUploadBytes is { } limit && http.Request.ContentLength > limit)
        {
            return ApiEndpoints.Detail(413, $"The upload is {http.Request.ContentLength:N0} bytes; the limit is {limit:N0} bytes.");
        }

        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
        {
            return MissingFile("The body must be multipart/form-data with a part named 'file'.");
        }

        var received = new Progress();
        if (state.Options.DiscardUploads)
        {
            return await DrainAsync(http, state, slug, id, received);
        }

        try
        {
            var reader = new MultipartReader(boundary, http.Request.Body);
            while (await reader.ReadNextSectionAsync(http.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, "file", StringComparison.Ordinal))
                {
                    continue;
                }

                var (bytes, sha, summary, problem) = await ReadPartAsync(section.Body, received, http.RequestAborted);
                // Drain the rest of the body so a truncated request is seen as one.
                while (await reader.ReadNextSectionAsync(http.RequestAborted) is not null)
                {
                }

                var failure = problem is null ? null : $"The uploaded file is not a valid dbt manifest: {problem}";
                var job = state.AddJob(slug, id, summary, failure);
                state.RecordUpload(new ReceivedUpload(
                    slug, id, "file", HeaderUtilities.RemoveQuotes(disposition.FileName).Value, section.ContentType,
                    bytes, sha, job.Id, problem));
                SyncRunner.Start(state, job);
                return Results.Json(state.Show(job), statusCode: 202);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException or InvalidDataException)
        {
            // The client went away mid-body (or sent a broken multipart): nothing was received whole.
            state.RecordAbortedUpload(new AbortedUpload(slug, id, received.Bytes));
            return http.RequestAborted.IsCancellationRequested
                ? Results.Empty
                : ApiEndpoints.Detail(400, $"The multipart body could not be read: {ex.Message}");
        }

        return MissingFile("No part named 'file' in the multipart body.");
    }

    /// <summary>
    /// --discard-uploads: the body is drained and hashed as it arrives, whole, without even finding the
    /// file part in it (a multipart parser costs more CPU than the client's own work), so the server costs
    /// the client's machine as little as a remote one. The recorded size and SHA-256 are the whole body's.
    /// </summary>
    private static async Task<IResult> DrainAsync(HttpContext http, CatalogState state, string slug, string id, Progress received)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var body = http.Request.BodyReader;
        try
        {
            // Straight from the transport's buffers: not even a copy.
            while (true)
            {
                var result = await body.ReadAsync(http.RequestAborted);
                foreach (var segment in result.Buffer)
                {
                    hash.AppendData(segment.Span);
                }

                received.Bytes += result.Buffer.Length;
                body.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
        {
            state.RecordAbortedUpload(new AbortedUpload(slug, id, received.Bytes));
            return Results.Empty;
        }

        var job = state.AddJob(slug, id, manifest: null, failure: null);
        state.RecordUpload(new ReceivedUpload(slug, id, "body", null, http.Request.ContentType, received.Bytes, Hex(hash), job.Id, null));
        SyncRunner.Start(state, job);
        return Results.Json(state.Show(job), statusCode: 202);
    }

    /// <summary>Bytes of the file part read so far, kept when the body breaks off.</summary>
    private sealed class Progress
    {
        public long Bytes;
    }

    private static async Task<(long Bytes, string Sha256, ManifestSummary? Manifest, string? Problem)> ReadPartAsync(
        Stream body, Progress received, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var manifest = new UploadedManifest();
        long bytes = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(128 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                bytes += read;
                received.Bytes = bytes;
                hash.AppendData(buffer, 0, read);
                manifest.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        var summary = manifest.Complete();
        return (bytes, Hex(hash), summary, manifest.Problem);
    }

    /// <summary>Lower-case hex of the SHA-256 so far, as the tests compute it from the file they sent.</summary>
    private static string Hex(IncrementalHash hash) => Convert.ToHexStringLower(hash.GetHashAndReset());

    private static IResult MissingFile(string message) => Results.Json(
        new JsonObject { ["detail"] = new JsonArray(ApiEndpoints.FieldError("file", message, "missing")) },
        statusCode: 422);
}
