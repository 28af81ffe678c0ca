namespace StripeWebhooks.Tests.Infra;

/// <summary>Finds the checkout the tests were built from, so they can read files that are not copied to the output.</summary>
internal static class RepositoryRoot
{
    const string Marker = "WebhookFunctions.sln";

    /// <summary>The nearest directory at or above the test binaries that contains <c>WebhookFunctions.sln</c>.</summary>
    public static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, Marker)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No {Marker} found above {AppContext.BaseDirectory}; run the tests from inside the repository.");
    }

    /// <summary>A path inside the repository, from forward-slash segments.</summary>
    public static string PathTo(string relativePath)
        => Path.Combine(Find(), relativePath.Replace('/', Path.DirectorySeparatorChar));
}
