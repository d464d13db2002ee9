using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace RnnOnnx.Server.Tests.Support;

/// <summary>Requests and assertions the server tests share.</summary>
internal static class Http
{
    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Asserts an RFC 7807 answer with this status whose detail mentions <paramref name="mentions"/>; returns the detail.</summary>
    public static async Task<string> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string mentions)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        string detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains(mentions, detail, StringComparison.OrdinalIgnoreCase);
        return detail;
    }

    /// <summary>Asserts an Open Inference Protocol error: this status and a JSON body {"error": "..."} mentioning <paramref name="mentions"/>.</summary>
    public static async Task<string> AssertV2ErrorAsync(HttpResponseMessage response, HttpStatusCode status, string mentions)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        var root = JsonDocument.Parse(body).RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        string error = root.GetProperty("error").GetString()!;
        Assert.Contains(mentions, error, StringComparison.OrdinalIgnoreCase);
        return error;
    }

    public static float[] Floats(JsonElement array) => array.EnumerateArray().Select(e => e.GetSingle()).ToArray();

    /// <summary>Reads one unlabelled sample of the Prometheus text, e.g. <c>rnnonnx_requests_in_flight</c>.</summary>
    public static async Task<double> MetricAsync(HttpClient client, string sample)
    {
        string text = await client.GetStringAsync("/metrics");
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(sample + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(sample.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Waits until the server holds <paramref name="count"/> model requests (polls /metrics, which is never limited).</summary>
    public static async Task WaitForInFlightAsync(HttpClient client, int count)
    {
        for (int i = 0; i < 3000; i++)
        {
            if (await MetricAsync(client, "rnnonnx_requests_in_flight") == count) return;
            await Task.Delay(10);
        }
        Assert.Fail($"The server never had {count} request(s) in flight.");
    }

    /// <summary>A JSON body sent in two parts, the second only once <see cref="Release"/> is called: a request held in flight.</summary>
    public sealed class GatedContent : HttpContent
    {
        private readonly byte[] _head;
        private readonly byte[] _tail;
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public GatedContent(string json)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            _head = bytes[..(bytes.Length / 2)];
            _tail = bytes[(bytes.Length / 2)..];
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        public void Release() => _release.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(_head);
            await stream.FlushAsync();
            await _release.Task;
            await stream.WriteAsync(_tail);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _head.Length + _tail.Length;
            return true;
        }
    }
}
