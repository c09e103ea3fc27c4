using LiteDB;
using LiteDB.Engine;

namespace FeedHub.Storage.Tests;

/// <summary>Faults of LiteDB's own engine, made on demand (the store tests and the app's poll tests share them).</summary>
internal static class EngineFaults
{
    /// <summary>
    /// Makes LiteDB's engine meet a failed check of its own inside a write, behind the store's back (as another thread's
    /// call leaves it until that call returns): LiteDB closes the engine, and every call on it fails from then on.
    /// </summary>
    public static void FailOwnCheck(LiteEngine engine)
    {
        var failure = Assert.ThrowsAny<LiteException>(() => engine.Insert("other", FailingDocuments(), BsonAutoId.Int64));
        Assert.Equal(LiteException.INVALID_DATAFILE_STATE, failure.ErrorCode);
    }

    /// <summary>Documents whose enumeration fails a check of LiteDB's own halfway through an insert.</summary>
    public static IEnumerable<BsonDocument> FailingDocuments()
    {
        yield return new BsonDocument { ["Text"] = "written before the check fails" };
        throw new LiteException(LiteException.INVALID_DATAFILE_STATE, "Page type must be data page (a check failing on purpose)");
    }
}
