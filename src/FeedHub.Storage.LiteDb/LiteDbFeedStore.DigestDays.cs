using FeedHub.Core.Storage;
using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>A digest day: one walk of the <c>RiverKey</c> index for its posts, each document read for the few fields the digest shows; its sources' names from memory.</summary>
public sealed partial class LiteDbFeedStore
{
    /// <summary>
    /// The projection names every field read, so LiteDB reads only those from each document and skips the rest
    /// (content, extracted text) instead of building whole documents and mapping them to articles.
    /// </summary>
    private static readonly BsonExpression DigestPostFields = BsonExpression.Create(
        "{ _id: $._id, SourceId: $.SourceId, Title: $.Title, Link: $.Link, Author: $.Author, Language: $.Language, SortDate: $.SortDate, ChangedAt: $.ChangedAt, DuplicateOf: $.DuplicateOf }");

    public Task<IReadOnlyList<DigestPost>> ListDigestPostsAsync(TimeRange period, int limit, CancellationToken cancellationToken) => Read(() =>
    {
        if (RiverRange(new ArticleQuery { From = period.Start, To = period.End }) is not var (low, high))
        {
            return Task.FromResult<IReadOnlyList<DigestPost>>([]);
        }

        var posts = _articles.Query()
            .Where(Where.Between(RiverKey, low, high))
            .OrderByDescending(RiverKey)
            .Select(DigestPostFields)
            .Limit(Math.Max(1, limit))
            .ToEnumerable()
            .Select(fields => ToDigestPost(fields))
            .ToList();
        return Task.FromResult<IReadOnlyList<DigestPost>>(posts);
    });

    /// <summary>From the source directory kept in memory (see <see cref="SourceDirectory"/>): no source document is read.</summary>
    public Task<IReadOnlyList<SourceHeading>> GetSourceHeadingsAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<SourceHeading>>(_sourceDirectory.Headings(ids.Distinct()));

    private static DigestPost ToDigestPost(BsonDocument fields) => new(
        fields["_id"].AsInt64,
        fields["SourceId"].AsInt64,
        NullableString(fields["Title"]),
        NullableString(fields["Link"]),
        NullableString(fields["Author"]),
        NullableString(fields["Language"]),
        Instant(fields["SortDate"]),
        Instant(fields["ChangedAt"]))
    {
        DuplicateOf = fields[DuplicateOfField].IsNumber ? fields[DuplicateOfField].AsInt64 : null,
    };

    private static string? NullableString(BsonValue value) => value.IsNull ? null : value.AsString;

    /// <summary>Instants are kept as UTC date-times (see <c>CreateMapper</c>).</summary>
    private static DateTimeOffset Instant(BsonValue value) => new(DateTime.SpecifyKind(value.AsDateTime, DateTimeKind.Utc));
}
