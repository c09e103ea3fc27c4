using System.Reflection;
using System.Runtime.Loader;

namespace FeedHub.Benchmarks;

/// <summary>
/// Another build of FeedHub.Core (e.g. main's Release build) loaded beside this one, in a context of its own, so that a
/// benchmark measures both in the same process and the same run, taking turns, and compares their outputs.
/// </summary>
internal static class BaselineBuild
{
    /// <summary>The FeedHub.Core.dll in <paramref name="directory"/>, with the libraries beside it.</summary>
    public static Assembly LoadCore(string directory, string name)
    {
        var context = new DirectoryContext(Path.GetFullPath(directory), name);
        return context.LoadFromAssemblyPath(Path.Combine(Path.GetFullPath(directory), "FeedHub.Core.dll"));
    }

    private sealed class DirectoryContext(string directory, string name) : AssemblyLoadContext(name)
    {
        protected override Assembly? Load(AssemblyName assembly)
        {
            var path = Path.Combine(directory, assembly.Name + ".dll");
            return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
        }
    }
}
