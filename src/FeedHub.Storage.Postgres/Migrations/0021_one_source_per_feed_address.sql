-- One source per feed address (issue 15): the store's add and move check the address and write it in one step, with
-- a unique index as the arbiter, so two adds of one feed at once (two curators, a form sent twice, two nodes) store
-- one source.

-- The source a duplicate duplicates (Source.DuplicateOf): null for nearly every source.
ALTER TABLE sources ADD COLUMN duplicate_of bigint;

-- Sources subscribed twice before: the first added (lowest id) keeps the address; each later one keeps its articles
-- and history, is paused as that source's duplicate (its health says so, and that a curator removes one of the two
-- or moves it), and takes an identity of its own, which no address normalises to (SourceAddress.IdentityOf).
-- Rows not yet judged for the listing (health null, from before 0011) are judged when the store opens.
WITH shared AS (
    SELECT id, min(id) OVER (PARTITION BY feed_url_identity) AS original FROM sources
)
UPDATE sources
SET duplicate_of = shared.original,
    state = 'Paused',
    feed_url_identity = 'duplicate:' || sources.id || ':' || sources.feed_url_identity,
    health = CASE WHEN health IS NULL THEN NULL ELSE 'Paused' END,
    health_rank = CASE WHEN health IS NULL THEN NULL ELSE 5 END -- HealthStatus.Paused
FROM shared
WHERE shared.id = sources.id AND shared.original <> sources.id;

-- The update's tallies and versions move now rather than at commit (0019, 0020): an index cannot be built on a table
-- with trigger events pending.
SET CONSTRAINTS ALL IMMEDIATE;

DROP INDEX sources_feed_url_identity;
CREATE UNIQUE INDEX sources_feed_url_identity ON sources (feed_url_identity);
