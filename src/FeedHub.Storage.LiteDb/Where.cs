using LiteDB;

namespace FeedHub.Storage.LiteDb;

/// <summary>
/// Query conditions with their values as parameters. LiteDB parses and compiles an expression once per distinct text
/// and keeps it; <c>Query.EQ("_id", 5)</c> writes the value into the text, so every value compiled (and kept) a method
/// of its own: 40 ms of JIT per poll and a cache that only grew. Here the text is fixed and compiled once.
/// </summary>
internal static class Where
{
    public static BsonExpression Equal(string field, BsonValue value) => BsonExpression.Create(field + " = @0", value);

    public static BsonExpression In(string field, IEnumerable<BsonValue> values) => BsonExpression.Create(field + " IN @0", new BsonArray(values));

    public static BsonExpression In(string field, IEnumerable<long> values) => In(field, values.Select(value => new BsonValue(value)));

    public static BsonExpression Less(string field, BsonValue value) => BsonExpression.Create(field + " < @0", value);

    public static BsonExpression AtMost(string field, BsonValue value) => BsonExpression.Create(field + " <= @0", value);

    public static BsonExpression More(string field, BsonValue value) => BsonExpression.Create(field + " > @0", value);

    public static BsonExpression AtLeast(string field, BsonValue value) => BsonExpression.Create(field + " >= @0", value);

    public static BsonExpression Between(string field, BsonValue low, BsonValue high) => BsonExpression.Create(field + " BETWEEN @0 AND @1", low, high);

    /// <summary>A multi-key field (an array indexed by each element) with any element between the two values.</summary>
    public static BsonExpression AnyBetween(string arrayField, BsonValue low, BsonValue high)
        => BsonExpression.Create(arrayField + " ANY BETWEEN @0 AND @1", low, high);

    /// <summary>A multi-key field with any element among the values (one seek of its index per value).</summary>
    public static BsonExpression AnyIn(string arrayField, IEnumerable<BsonValue> values) => BsonExpression.Create(arrayField + " ANY IN @0", new BsonArray(values));
}
