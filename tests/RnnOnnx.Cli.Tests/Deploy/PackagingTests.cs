using System.Diagnostics;

namespace RnnOnnx.Cli.Tests.Deploy;

/// <summary>One build tree for the packaging tests, apart from the repository's own bin/obj (tests running elsewhere keep their files).</summary>
public sealed class PackagingFixture : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("rnnonnx-pack-").FullName;

    public string Artifacts => Path.Combine(Root, "artifacts");

    public void Dispose()
    {
        try { Directory.Delete(Root, true); }
        catch (IOException) { }
    }
}

/// <summary>
/// The CLI is installable: it packs as a portable .NET tool (no runtime identifier, natives of every desktop
/// platform) that `dotnet tool install` installs and runs, and it publishes framework-dependent for Windows and macOS
/// with ONNX Runtime's and SkiaSharp's native libraries.
/// </summary>
public sealed class PackagingTests(PackagingFixture fixture) : IClassFixture<PackagingFixture>
{
    private static string Cli => Repository.File("src", "RnnOnnx.Cli");

    [Fact]
    public void Cli_packs_as_a_dotnet_tool_that_installs_and_runs()
    {
        string packages = Path.Combine(fixture.Root, "packages");
        string tools = Path.Combine(fixture.Root, "tools");
        Dotnet("pack", Cli, "-c", "Release", "-o", packages, "--artifacts-path", fixture.Artifacts);
        string package = Assert.Single(Directory.GetFiles(packages, "rnnonnx.*.nupkg"));

        using (var zip = System.IO.Compression.ZipFile.OpenRead(package))
        {
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", entries);
            Assert.Contains("LICENSE", entries);
            Assert.Contains(entries, e => e.EndsWith("DotnetToolSettings.xml", StringComparison.Ordinal));
            // Portable: the "any" tool folder with every desktop platform's natives (Linux SkiaSharp from NativeAssets.Linux.NoDependencies).
            foreach (string native in new[] { "win-x64/native/onnxruntime.dll", "linux-x64/native/libonnxruntime.so", "osx-arm64/native/libonnxruntime.dylib",
                                              "win-x64/native/libSkiaSharp.dll", "linux-x64/native/libSkiaSharp.so", "osx/native/libSkiaSharp.dylib" })
                Assert.Contains($"tools/net10.0/any/runtimes/{native}", entries);
            Assert.DoesNotContain(entries, e => e.Contains("/runtimes/android/", StringComparison.Ordinal) || e.Contains("/runtimes/ios/", StringComparison.Ordinal));
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            string metadata = nuspec.ReadToEnd();
            Assert.Contains("<license type=\"expression\">MIT</license>", metadata, StringComparison.Ordinal);
            Assert.Contains("<readme>README.md</readme>", metadata, StringComparison.Ordinal);
            Assert.Contains("<packageType name=\"DotnetTool\" />", metadata, StringComparison.Ordinal);
            Assert.Contains("<repository type=\"git\"", metadata, StringComparison.Ordinal);
        }

        Dotnet("tool", "install", "--tool-path", tools, "--add-source", packages, "rnnonnx");
        var (exit, output, error) = Run(Path.Combine(tools, OperatingSystem.IsWindows() ? "rnnonnx.exe" : "rnnonnx"), "--version");
        Assert.True(exit == 0, $"rnnonnx --version exited {exit}: {error}");
        Assert.Matches(@"^\d+\.\d+\.\d+", output.Trim());
    }

    [Theory]
    [InlineData("win-x64", "onnxruntime.dll", "libSkiaSharp.dll")]
    [InlineData("osx-arm64", "libonnxruntime.dylib", "libSkiaSharp.dylib")]
    public void Cli_publishes_framework_dependent_with_native_libraries(string rid, string onnxRuntime, string skia)
    {
        string output = Path.Combine(fixture.Root, "publish-" + rid);
        Dotnet("publish", Cli, "-c", "Release", "-r", rid, "--self-contained", "false", "-o", output, "--artifacts-path", fixture.Artifacts);
        Assert.True(File.Exists(Path.Combine(output, onnxRuntime)), $"{onnxRuntime} missing from the {rid} publish");
        Assert.True(File.Exists(Path.Combine(output, skia)), $"{skia} missing from the {rid} publish");
        Assert.True(File.Exists(Path.Combine(output, "rnnonnx.dll")));
        Assert.False(File.Exists(Path.Combine(output, "System.Private.CoreLib.dll")), "framework-dependent: the runtime is not in the output");
    }

    private static void Dotnet(params string[] args)
    {
        var (exit, output, error) = Run(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
            [.. args, "--disable-build-servers", "-nologo", "-p:RunAnalyzers=false"], args[0] == "tool" ? 3 : 0);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} exited {exit}:\n{output}\n{error}");
    }

    /// <param name="file">The program.</param>
    /// <param name="args">Its arguments.</param>
    /// <param name="dropTail">Arguments at the end that this command does not take (dotnet tool has no build-server switches).</param>
    private static (int Exit, string Output, string Error) Run(string file, string[] args, int dropTail = 0)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args.Take(args.Length - dropTail)) info.ArgumentList.Add(a);
        // The test host runs inside MSBuild/VSTest; a child build must not inherit their settings.
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(key);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(10)), $"{file} {string.Join(' ', args)} did not finish in 10 minutes");
        return (process.ExitCode, output.Result, error.Result);
    }

    private static (int Exit, string Output, string Error) Run(string file, params string[] args) => Run(file, args, 0);
}
