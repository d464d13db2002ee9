using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Inference;
using RnnOnnx.Onnx.Proto;
using RnnOnnx.Motor;
using RnnOnnx.Server;
using RnnOnnx.Onnx.Triton;

namespace RnnOnnx.Cli.Tests.Motor;

/// <summary>
/// The shipped motor controller (an ONNX step model: observation and h_in_0 in, excitations and h_out_0 out) served
/// by <c>rnnonnx serve</c>'s Open Inference Protocol sequences and exported for Triton: the server drives a closed
/// loop step by step exactly as the in-process ONNX Runtime controller does, and the Triton configuration passes the
/// backend's load rules and protoc.
/// </summary>
public sealed class MotorServingTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"rnnonnx-motor-serve-{Guid.NewGuid():N}");

    public MotorServingTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Shipped => Repository.File("models", "motor", "arm26_gru128.onnx");

    /// <summary>A controller whose every step is one /v2 infer call per batch row, each row its own sequence.</summary>
    private sealed class ServerController(HttpClient client, string model, int inputs, int hidden, int outputs) : IMotorController
    {
        private readonly float[] _h = new float[64 * hidden];
        private int _batch, _step, _run;

        public int Inputs => inputs;
        public int Hidden => hidden;
        public int Outputs => outputs;
        public ReadOnlySpan<float> HiddenState => _h.AsSpan(0, _batch * hidden); // implicit on the server: not observed

        public void Reset(int batch)
        {
            _batch = batch;
            _step = 0;
            _run++;
        }

        public void Act(ReadOnlySpan<float> observations, Span<float> excitations)
        {
            for (int b = 0; b < _batch; b++)
            {
                var row = observations.Slice(b * inputs, inputs).ToArray();
                string data = string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
                string body = $$"""{"parameters": {"sequence_id": "run{{_run}}-row{{b}}", "sequence_start": {{(_step == 0 ? "true" : "false")}}}, "inputs": [{"name": "input", "shape": [1, 1, {{inputs}}], "datatype": "FP32", "data": [{{data}}]}]}""";
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                using var response = client.PostAsync($"/v2/models/{model}/infer", content).GetAwaiter().GetResult();
                string text = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
                Assert.True(response.StatusCode == HttpStatusCode.OK, text);
                var output = JsonDocument.Parse(text).RootElement.GetProperty("outputs")[0];
                Assert.Equal([1L, 1L, outputs], output.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));
                int i = 0;
                foreach (var v in output.GetProperty("data").EnumerateArray()) excitations[b * outputs + i++] = v.GetSingle();
                Assert.Equal(outputs, i);
            }
            _step++;
        }
    }

    [Fact]
    public async Task Closed_loop_through_the_servers_v2_sequences_follows_the_in_process_controller()
    {
        string models = Path.Combine(_dir, "models");
        Directory.CreateDirectory(models);
        File.Copy(Shipped, Path.Combine(models, "reach.onnx"));
        var app = InferenceHost.Build(new ServerOptions { ModelsDirectory = models }, ["http://127.0.0.1:0"], ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v2/models/reach/ready")).StatusCode);
            var meta = JsonDocument.Parse(await client.GetStringAsync("/v2/models/reach")).RootElement;
            var model = MotorModel.Load(Shipped);
            int inputs = model.Policy.Inputs, outputs = model.Policy.Outputs;
            // The recurrent state is the server's (implicit state): the client sees the observation input only.
            var input = Assert.Single(meta.GetProperty("inputs").EnumerateArray());
            Assert.Equal([-1L, -1L, inputs], input.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()));

            var targets = ClosedLoop.CentreOutTargets(model.Effector, 4, 0.1);
            const int steps = 60;
            using var local = model.CreateOnnxController();
            var expected = ClosedLoop.Run(model.Effector, local, model.EvaluationSensing, targets, steps);
            var served = ClosedLoop.Run(model.Effector, new ServerController(client, "reach", inputs, model.Policy.Hidden, outputs),
                model.EvaluationSensing, targets, steps);
            double tip = 0, excitation = 0;
            for (int c = 0; c < targets.Count; c++)
            {
                for (int i = 0; i < expected[c].Tip.Count; i++) tip = Math.Max(tip, Math.Abs(expected[c].Tip[i] - served[c].Tip[i]));
                for (int i = 0; i < expected[c].Excitations.Count; i++) excitation = Math.Max(excitation, Math.Abs(expected[c].Excitations[i] - served[c].Excitations[i]));
            }
            Assert.True(tip <= 1e-5, $"largest fingertip difference {tip} m");
            Assert.True(excitation <= 1e-5, $"largest excitation difference {excitation}");
            // The reaches went somewhere: the comparison is not between two arms at rest.
            Assert.True(expected.Min(r => r.PeakSpeed) > 0.2, $"peak speeds {string.Join(", ", expected.Select(r => r.PeakSpeed))}");
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    [Fact]
    public void Triton_export_of_the_motor_step_model_passes_protoc_and_the_backend_rules()
    {
        string repo = Path.Combine(_dir, "triton");
        var (exit, output, error) = CliRunner.Run("export", "--triton", repo, "--model", Shipped, "--name", "reach");
        Assert.True(exit == 0, error);
        Assert.Contains("step model, sequence batching", output, StringComparison.Ordinal);
        string text = File.ReadAllText(Path.Combine(repo, "reach", "config.pbtxt"));
        var config = RnnOnnx.Tests.Triton.Protoc.Parse(text);
        Assert.Equal("reach", config.Name);
        Assert.Equal("onnxruntime", config.Backend);
        var state = Assert.Single(config.SequenceBatching.State);
        // The exporter renames the state pair so Triton's sorted order keeps inputs and outputs paired (server#8586).
        Assert.StartsWith("state_in_", state.InputName, StringComparison.Ordinal);
        Assert.StartsWith("state_out_", state.OutputName, StringComparison.Ordinal);
        Assert.Equal(["input"], config.Input.Select(i => i.Name));
        var graph = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(repo, "reach", "1", "model.onnx"))).Graph;
        Assert.Empty(TritonConfigCheck.Problems(config, graph));
    }
}
