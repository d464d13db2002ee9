using System.CommandLine;
using Microsoft.AspNetCore.Routing;
using RnnOnnx.Server;
using static RnnOnnx.Cli.Tests.Deploy.DeploymentFiles;

namespace RnnOnnx.Cli.Tests.Deploy;

/// <summary>
/// deploy/ checked without a container engine: the Dockerfile's stages, user, port, entry point and health check, the
/// Kubernetes Deployment and Service, and the KServe InferenceService — each tied to our command line (arguments
/// parse with rnnonnx's own command tree), to the server's routes and to each other's ports and paths.
/// </summary>
public sealed class DeploymentTests
{
    /// <summary>
    /// The Open Inference Protocol health routes the probes use. The /v2 protocol is being added to the server by
    /// another change; until the server maps any /v2 route these two are accepted unmapped, and from then on they
    /// must be mapped like every other probe path.
    /// </summary>
    private static readonly string[] PendingOpenInferenceRoutes = ["/v2/health/live", "/v2/health/ready"];

    private static (string[] Args, int Port, string Models) DockerServe()
    {
        var docker = Dockerfile();
        var entry = ExecForm(docker.Single(i => i.Keyword == "ENTRYPOINT").Arguments);
        var cmd = ExecForm(docker.Single(i => i.Keyword == "CMD").Arguments);
        Assert.Equal(["dotnet", "/app/rnnonnx.dll"], entry);
        return (cmd, ServePort(cmd), ServeModels(cmd));
    }

    /// <summary>Parses serve arguments with the CLI's own command tree: no errors, the serve command, its port.</summary>
    private static ParseResult ParseServe(string[] args)
    {
        var parse = CommandLine.CreateRoot(TextWriter.Null, TextWriter.Null).Parse(args);
        Assert.True(parse.Errors.Count == 0, $"rnnonnx {string.Join(' ', args)}: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        Assert.Equal("serve", parse.CommandResult.Command.Name);
        return parse;
    }

    private static int ServePort(string[] args)
    {
        var parse = ParseServe(args);
        string urls = (string)parse.GetValue<string>("--urls")!;
        var ports = urls.Split(';').Select(u => new Uri(u).Port).Distinct().ToList();
        return Assert.Single(ports);
    }

    private static string ServeModels(string[] args) => ParseServe(args).GetValue<DirectoryInfo>("--models")!.ToString();

    private static HashSet<string> ServerRoutes()
    {
        string models = Directory.CreateTempSubdirectory("rnnonnx-routes-").FullName;
        try
        {
            using var app = InferenceHost.Build(new ServerOptions { ModelsDirectory = models });
            return ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
                .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/')).ToHashSet(StringComparer.Ordinal);
        }
        finally { Directory.Delete(models, true); }
    }

    private static void AssertServerRoute(string path, HashSet<string> routes)
    {
        bool pending = PendingOpenInferenceRoutes.Contains(path) && !routes.Any(r => r.StartsWith("/v2/", StringComparison.Ordinal) || r == "/v2");
        Assert.True(routes.Contains(path) || pending, $"probe path {path} is not a route of the server ({string.Join(", ", routes.Order(StringComparer.Ordinal))})");
    }

    [Fact]
    public void Dockerfile_is_multi_stage_non_root_and_serves_the_mounted_models()
    {
        var docker = Dockerfile();
        var stages = docker.Where(i => i.Keyword == "FROM").ToList();
        Assert.True(stages.Count >= 2, "multi-stage: a build stage and a runtime stage");
        Assert.Contains(" AS build", stages[0].Arguments, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", stages[0].Arguments, StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", stages[^1].Arguments, StringComparison.Ordinal);
        Assert.Contains(docker, i => i.Keyword == "COPY" && i.Arguments.StartsWith("--from=build", StringComparison.Ordinal));
        Assert.Contains(docker, i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish src/RnnOnnx.Cli", StringComparison.Ordinal));

        // The last USER of the runtime stage is not root.
        int runtime = docker.IndexOf(stages[^1]);
        var user = docker.Skip(runtime).Last(i => i.Keyword == "USER").Arguments;
        Assert.DoesNotContain(user.Split(':')[0], new[] { "root", "0" });

        var (args, port, models) = DockerServe();
        Assert.Equal([port.ToString(System.Globalization.CultureInfo.InvariantCulture)], docker.Where(i => i.Keyword == "EXPOSE").Select(i => i.Arguments.Split('/')[0]));
        Assert.Equal(models, docker.Single(i => i.Keyword == "VOLUME").Arguments);
        Assert.Contains("0.0.0.0", args[Array.IndexOf(args, "--urls") + 1], StringComparison.Ordinal);

        var health = docker.Single(i => i.Keyword == "HEALTHCHECK").Arguments;
        var url = new Uri(health.Split(' ').Single(w => w.StartsWith("http://", StringComparison.Ordinal)));
        Assert.Equal(port, url.Port);
        AssertServerRoute(url.AbsolutePath, ServerRoutes());
    }

    [Fact]
    public void Kubernetes_deployment_and_service_match_the_image_the_cli_and_the_server()
    {
        var documents = Yaml("kubernetes", "rnnonnx.yaml");
        var deployment = documents.Single(d => Str(d, "kind") == "Deployment");
        var service = documents.Single(d => Str(d, "kind") == "Service");
        Assert.Equal("apps/v1", Str(deployment, "apiVersion"));
        Assert.Equal("v1", Str(service, "apiVersion"));

        var (_, dockerPort, dockerModels) = DockerServe();
        var container = At(deployment, "spec", "template", "spec", "containers", 0);
        var args = List(container, "args").Cast<string>().ToArray();
        int port = ServePort(args);
        Assert.Equal(dockerPort, port);
        var ports = List(container, "ports").Cast<Dictionary<object, object>>().ToList();
        var http = ports.Single(p => Str(p, "name") == "http");
        Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), Str(http, "containerPort"));

        var routes = ServerRoutes();
        foreach (var (probe, path) in new[] { ("readinessProbe", "/v2/health/ready"), ("livenessProbe", "/v2/health/live") })
        {
            Assert.Equal(path, Str(container, probe, "httpGet", "path"));
            string probePort = Str(container, probe, "httpGet", "port");
            Assert.True(probePort == "http" || probePort == port.ToString(System.Globalization.CultureInfo.InvariantCulture), $"{probe} port {probePort}");
            AssertServerRoute(path, routes);
        }

        // Models: the --models folder is the mounted volume, read-only, from a claim.
        string models = ServeModels(args);
        Assert.Equal(dockerModels, models);
        var mount = List(container, "volumeMounts").Cast<Dictionary<object, object>>().Single(m => Str(m, "mountPath") == models);
        Assert.Equal("true", Str(mount, "readOnly"));
        var volume = List(deployment, "spec", "template", "spec", "volumes").Cast<Dictionary<object, object>>().Single(v => Str(v, "name") == Str(mount, "name"));
        Assert.NotEmpty(Str(volume, "persistentVolumeClaim", "claimName"));

        // Non-root, matching the image's USER.
        string user = Dockerfile().Last(i => i.Keyword == "USER").Arguments;
        Assert.Equal("true", Str(deployment, "spec", "template", "spec", "securityContext", "runAsNonRoot"));
        Assert.Equal(user, Str(deployment, "spec", "template", "spec", "securityContext", "runAsUser"));

        // The Service selects the pods and targets the named port.
        var labels = (Dictionary<object, object>)At(deployment, "spec", "template", "metadata", "labels");
        foreach (var (key, value) in (Dictionary<object, object>)At(service, "spec", "selector")) Assert.Equal(value, labels[key]);
        Assert.Equal(labels, At(deployment, "spec", "selector", "matchLabels"));
        Assert.Equal("http", Str(service, "spec", "ports", 0, "targetPort"));
    }

    [Fact]
    public void KServe_inference_service_runs_Triton_on_an_exported_repository()
    {
        var isvc = Assert.Single(Yaml("kserve", "triton-inferenceservice.yaml"));
        Assert.Equal("serving.kserve.io/v1beta1", Str(isvc, "apiVersion"));
        Assert.Equal("InferenceService", Str(isvc, "kind"));
        var model = At(isvc, "spec", "predictor", "model");
        Assert.Equal("triton", Str(model, "modelFormat", "name"));
        Assert.Matches("^[0-9]{2}\\.[0-9]{2}-py3$", Str(model, "runtimeVersion"));
        Assert.StartsWith("pvc://", Str(model, "storageUri"), StringComparison.Ordinal);   // mounted, so poll mode sees new versions
        var args = List(model, "args").Cast<string>().ToList();
        Assert.Contains("--model-control-mode=poll", args);
        Assert.Contains("--strict-readiness=true", args);
        // The comment tells how the repository is made; that command parses with our CLI.
        var parse = CommandLine.CreateRoot(TextWriter.Null, TextWriter.Null).Parse(["export", "--triton", "REPO", "--model", "M.onnx", "--name", "NAME"]);
        Assert.Empty(parse.Errors);
        Assert.Contains("rnnonnx export --triton REPO --model M.onnx", File.ReadAllText(DeploymentFiles.Path("kserve", "triton-inferenceservice.yaml")), StringComparison.Ordinal);
    }
}
