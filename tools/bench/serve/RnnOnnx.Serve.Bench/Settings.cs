using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace RnnOnnx.Serve.Bench;

/// <summary>The load test's settings (<c>--name value</c>, read by the configuration command-line provider) over defaults that fit the shipped model.</summary>
/// <param name="Client">"wrk", "httpclient", or "auto" (wrk when it is on PATH, else HttpClient).</param>
internal sealed record Settings(string Models, string Model, string Series, TimeSpan Duration, TimeSpan Warmup, int[] Connections, string Client, int Repeat)
{
    public static Settings Parse(string[] args)
    {
        var given = new ConfigurationBuilder().AddCommandLine(args).Build();
        string Get(string name, string fallback) => given[name] ?? fallback;
        double Seconds(string name, string fallback) => double.Parse(Get(name, fallback), CultureInfo.InvariantCulture);
        return new Settings(Get("models", "models/forecast"), Get("model", "airpassengers"), Get("series", "data/forecast/AirPassengers.csv"),
            TimeSpan.FromSeconds(Seconds("seconds", "10")), TimeSpan.FromSeconds(Seconds("warmup", "2")),
            Get("connections", "1,16,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(),
            Get("client", "auto"), int.Parse(Get("repeat", "1"), CultureInfo.InvariantCulture));
    }
}
