namespace StripeWebhooks.Tests.Support;

/// <summary>Finds files of the repository from the test binaries' folder.</summary>
public static class RepositoryRoot
{
    /// <summary>The directory holding <c>WebhookFunctions.sln</c>.</summary>
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WebhookFunctions.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"WebhookFunctions.sln not found above {AppContext.BaseDirectory}.");
    }

    public static string PathOf(params string[] parts) => Path.Combine([Find(), .. parts]);

    /// <summary>A path inside the repository, from forward-slash segments.</summary>
    public static string PathTo(string relativePath) => Path.Combine(Find(), relativePath.Replace('/', Path.DirectorySeparatorChar));
}
