using FeedHub.Core.WebSub;
using Npgsql;

namespace FeedHub.Storage.Postgres;

public sealed partial class PostgresFeedStore
{
    private const string HubSubscriptionColumns =
        "id, topic, callback, secret, lease_seconds, expires_at, created_at, verified_at, content_hash, delivered_at, deliveries, failed_attempts, last_error, last_error_at";

    private const string SourcePushColumns =
        "source_id, hub, topic, callback_key, secret, state, reason, requested_at, verified_at, lease_expires_at, pushes_received, pushes_refused, last_push_at, last_refusal, last_refusal_at";

    public async Task<HubSubscription> UpsertHubSubscriptionAsync(HubSubscription subscription, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            $"""
            INSERT INTO websub_subscriptions (topic, callback, secret, lease_seconds, expires_at, created_at, verified_at, content_hash)
            VALUES (@topic, @callback, @secret, @lease_seconds, @expires_at, @created_at, @verified_at, @content_hash)
            ON CONFLICT (topic, callback) DO UPDATE SET secret = excluded.secret, lease_seconds = excluded.lease_seconds,
                expires_at = excluded.expires_at, verified_at = excluded.verified_at
            RETURNING {HubSubscriptionColumns}
            """);
        command.Parameters.Add(new NpgsqlParameter<string>("topic", subscription.Topic));
        command.Parameters.Add(new NpgsqlParameter<string>("callback", subscription.Callback));
        command.Parameters.Add(new NpgsqlParameter("secret", (object?)subscription.Secret ?? DBNull.Value));
        command.Parameters.Add(new NpgsqlParameter<int>("lease_seconds", subscription.LeaseSeconds));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("expires_at", Timestamps.ToStored(subscription.ExpiresAt)));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("created_at", Timestamps.ToStored(subscription.CreatedAt)));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("verified_at", Timestamps.ToStored(subscription.VerifiedAt)));
        command.Parameters.Add(new NpgsqlParameter("content_hash", (object?)subscription.ContentHash ?? DBNull.Value));
        return (await ReadHubSubscriptionsAsync(command, cancellationToken).ConfigureAwait(false)).Single();
    }

    public async Task UpdateHubSubscriptionAsync(HubSubscription subscription, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            """
            UPDATE websub_subscriptions SET content_hash = @content_hash, delivered_at = @delivered_at, deliveries = @deliveries,
                failed_attempts = @failed_attempts, last_error = @last_error, last_error_at = @last_error_at
            WHERE id = @id
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("id", subscription.Id));
        command.Parameters.Add(new NpgsqlParameter("content_hash", (object?)subscription.ContentHash ?? DBNull.Value));
        command.Parameters.Add(Instant("delivered_at", subscription.DeliveredAt));
        command.Parameters.Add(new NpgsqlParameter<long>("deliveries", subscription.Deliveries));
        command.Parameters.Add(new NpgsqlParameter<int>("failed_attempts", subscription.FailedAttempts));
        command.Parameters.Add(new NpgsqlParameter("last_error", (object?)subscription.LastError ?? DBNull.Value));
        command.Parameters.Add(Instant("last_error_at", subscription.LastErrorAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<HubSubscription?> GetHubSubscriptionAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {HubSubscriptionColumns} FROM websub_subscriptions WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return (await ReadHubSubscriptionsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<HubSubscription?> FindHubSubscriptionAsync(string topic, string callback, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {HubSubscriptionColumns} FROM websub_subscriptions WHERE topic = @topic AND callback = @callback");
        command.Parameters.Add(new NpgsqlParameter<string>("topic", topic));
        command.Parameters.Add(new NpgsqlParameter<string>("callback", callback));
        return (await ReadHubSubscriptionsAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<HubSubscription>> ListHubSubscriptionsAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {HubSubscriptionColumns} FROM websub_subscriptions ORDER BY id");
        return await ReadHubSubscriptionsAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveHubSubscriptionAsync(long id, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM websub_subscriptions WHERE id = @id");
        command.Parameters.Add(new NpgsqlParameter<long>("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task<int> RemoveHubSubscriptionsExpiredBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM websub_subscriptions WHERE expires_at < @cutoff");
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("cutoff", cutoff.ToUniversalTime()));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<SourcePush?> GetSourcePushAsync(long sourceId, CancellationToken cancellationToken)
    {
        // Every poll reads it (a 304 too): on the poll path's connections, prepared, and a key look-up whatever the id.
        await using var command = _writes.CreateCommand($"SELECT {SourcePushColumns} FROM source_push WHERE source_id = @source_id");
        command.Parameters.Add(new NpgsqlParameter<long>("source_id", sourceId));
        return (await ReadSourcePushesAsync(command, cancellationToken).ConfigureAwait(false)).SingleOrDefault();
    }

    public async Task SaveSourcePushAsync(SourcePush push, CancellationToken cancellationToken)
    {
        // A source removed meanwhile has nothing to save: the insert selects no row rather than break the foreign key.
        await using var command = _dataSource.CreateCommand(
            $"""
            INSERT INTO source_push ({SourcePushColumns})
            SELECT @source_id, @hub, @topic, @callback_key, @secret, @state, @reason, @requested_at, @verified_at, @lease_expires_at,
                   @pushes_received, @pushes_refused, @last_push_at, @last_refusal, @last_refusal_at
            WHERE EXISTS (SELECT 1 FROM sources WHERE id = @source_id)
            ON CONFLICT (source_id) DO UPDATE SET hub = excluded.hub, topic = excluded.topic, callback_key = excluded.callback_key,
                secret = excluded.secret, state = excluded.state, reason = excluded.reason, requested_at = excluded.requested_at,
                verified_at = excluded.verified_at, lease_expires_at = excluded.lease_expires_at
            """);
        command.Parameters.Add(new NpgsqlParameter<long>("source_id", push.SourceId));
        command.Parameters.Add(new NpgsqlParameter<string>("hub", push.Hub));
        command.Parameters.Add(new NpgsqlParameter<string>("topic", push.Topic));
        command.Parameters.Add(new NpgsqlParameter<string>("callback_key", push.CallbackKey));
        command.Parameters.Add(new NpgsqlParameter<string>("secret", push.Secret));
        command.Parameters.Add(new NpgsqlParameter<string>("state", push.State.ToString()));
        command.Parameters.Add(new NpgsqlParameter("reason", (object?)push.Reason ?? DBNull.Value));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("requested_at", Timestamps.ToStored(push.RequestedAt)));
        command.Parameters.Add(Instant("verified_at", push.VerifiedAt));
        command.Parameters.Add(Instant("lease_expires_at", push.LeaseExpiresAt));
        command.Parameters.Add(new NpgsqlParameter<long>("pushes_received", push.PushesReceived));
        command.Parameters.Add(new NpgsqlParameter<long>("pushes_refused", push.PushesRefused));
        command.Parameters.Add(Instant("last_push_at", push.LastPushAt));
        command.Parameters.Add(new NpgsqlParameter("last_refusal", (object?)push.LastRefusal ?? DBNull.Value));
        command.Parameters.Add(Instant("last_refusal_at", push.LastRefusalAt));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SourcePush>> ListSourcePushesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand($"SELECT {SourcePushColumns} FROM source_push ORDER BY source_id");
        return await ReadSourcePushesAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> RemoveSourcePushAsync(long sourceId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM source_push WHERE source_id = @source_id");
        command.Parameters.Add(new NpgsqlParameter<long>("source_id", sourceId));
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    public async Task CountPushAsync(long sourceId, string? refusal, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(refusal is null
            ? "UPDATE source_push SET pushes_received = pushes_received + 1, last_push_at = @at WHERE source_id = @source_id"
            : "UPDATE source_push SET pushes_refused = pushes_refused + 1, last_refusal = @refusal, last_refusal_at = @at WHERE source_id = @source_id");
        command.Parameters.Add(new NpgsqlParameter<long>("source_id", sourceId));
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset>("at", Timestamps.ToStored(at)));
        if (refusal is not null)
        {
            command.Parameters.Add(new NpgsqlParameter<string>("refusal", refusal));
        }

        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter Instant(string name, DateTimeOffset? value)
        => value is { } instant ? new NpgsqlParameter<DateTimeOffset>(name, Timestamps.ToStored(instant)) : new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = DBNull.Value };

    private static async Task<List<HubSubscription>> ReadHubSubscriptionsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var subscriptions = new List<HubSubscription>();
        await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            subscriptions.Add(new HubSubscription
            {
                Id = row.GetInt64(0),
                Topic = row.GetString(1),
                Callback = row.GetString(2),
                Secret = Rows.Text(row, 3),
                LeaseSeconds = row.GetInt32(4),
                ExpiresAt = row.GetFieldValue<DateTimeOffset>(5),
                CreatedAt = row.GetFieldValue<DateTimeOffset>(6),
                VerifiedAt = row.GetFieldValue<DateTimeOffset>(7),
                ContentHash = Rows.Text(row, 8),
                DeliveredAt = Rows.Value<DateTimeOffset>(row, 9),
                Deliveries = row.GetInt64(10),
                FailedAttempts = row.GetInt32(11),
                LastError = Rows.Text(row, 12),
                LastErrorAt = Rows.Value<DateTimeOffset>(row, 13),
            });
        }

        return subscriptions;
    }

    private static async Task<List<SourcePush>> ReadSourcePushesAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var pushes = new List<SourcePush>();
        await using var row = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await row.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            pushes.Add(new SourcePush
            {
                SourceId = row.GetInt64(0),
                Hub = row.GetString(1),
                Topic = row.GetString(2),
                CallbackKey = row.GetString(3),
                Secret = row.GetString(4),
                State = Enum.Parse<PushState>(row.GetString(5)),
                Reason = Rows.Text(row, 6),
                RequestedAt = row.GetFieldValue<DateTimeOffset>(7),
                VerifiedAt = Rows.Value<DateTimeOffset>(row, 8),
                LeaseExpiresAt = Rows.Value<DateTimeOffset>(row, 9),
                PushesReceived = row.GetInt64(10),
                PushesRefused = row.GetInt64(11),
                LastPushAt = Rows.Value<DateTimeOffset>(row, 12),
                LastRefusal = Rows.Text(row, 13),
                LastRefusalAt = Rows.Value<DateTimeOffset>(row, 14),
            });
        }

        return pushes;
    }
}
