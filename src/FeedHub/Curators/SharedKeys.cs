using System.Xml.Linq;
using FeedHub.Core.Storage;
using FeedHub.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FeedHub.Curators;

/// <summary>
/// Where the data-protection keys live that sign curators' sign-in cookies and antiforgery tokens. Web nodes behind a
/// load balancer must share them, or a cookie issued by one node is refused by the next: on PostgreSQL they are rows
/// of the shared store; on LiteDB (one process) a <c>keys</c> folder beside the database file.
/// </summary>
public static class SharedKeys
{
    public static IServiceCollection AddSharedKeys(this IServiceCollection services, IConfiguration configuration)
    {
        var storage = BoundOptions.Read<StorageOptions>(configuration, StorageOptions.Section);
        // Named, so the keys' purposes do not depend on the folder each node was installed in.
        var dataProtection = services.AddDataProtection().SetApplicationName("FeedHub");
        if (storage.UsesPostgres)
        {
            services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(provider => new ConfigureOptions<KeyManagementOptions>(options =>
            {
                // Opening the store brings the schema up to date, the keys' table included.
                provider.GetRequiredService<IFeedStore>();
                options.XmlRepository = new PostgresXmlRepository(provider.GetRequiredService<NpgsqlDataSource>());
            }));
        }
        else
        {
            var database = Path.GetFullPath(storage.LiteDb.Path);
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(Path.GetDirectoryName(database)!, "keys")));
        }

        return services;
    }
}

/// <summary>The key ring as rows of <c>data_protection_keys</c> (migration 0005), one per key.</summary>
public sealed class PostgresXmlRepository(NpgsqlDataSource dataSource) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var command = dataSource.CreateCommand("SELECT xml FROM data_protection_keys ORDER BY created_at, name");
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var command = dataSource.CreateCommand(
            "INSERT INTO data_protection_keys (name, xml) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET xml = excluded.xml");
        command.Parameters.Add(new NpgsqlParameter { Value = friendlyName });
        command.Parameters.Add(new NpgsqlParameter { Value = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }
}
