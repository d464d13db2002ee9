namespace RnnOnnx.Tests;

/// <summary>The repository the tests run from, for its shipped models and data.</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "RnnOnnx.sln"))) return dir.FullName;
        throw new InvalidOperationException("RnnOnnx.sln not found above " + AppContext.BaseDirectory);
    }
}
