-- Content versions announced at commit, so each node keeps them in memory (issue 15).

-- Every warm page asked PostgreSQL for the versions of its scopes before answering from the cache: a round trip
-- that cost more than the answer (1.03 ms for / against 0.10 on LiteDB). Nodes now keep the rows of content_versions
-- in memory and follow them: each row records the store version of the commit that last moved it, and that commit
-- notifies channel 'content_versions' with that store version. A node that hears it reads the rows moved after the
-- last store version it saw, in one statement that also reads the store version, by an index on moved_at.
--
-- That store version is the commit's place in the order of commits: the statement that moves the versions at commit
-- (0019, 0020) updates store_version before the content versions and holds its row until the commit ends, so a
-- reader who sees store version S sees every commit that moved versions with S or less, and none commits with S or
-- less afterwards. The payload is a number, far under NOTIFY's 8,000 bytes however many scopes a commit moves, and
-- distinct for each commit (PostgreSQL folds identical payloads of one transaction only). NOTIFY adds a lock taken
-- at commit by every transaction that notifies; these already commit one at a time, on store_version's row.

ALTER TABLE content_versions ADD COLUMN moved_at bigint NOT NULL DEFAULT 0;
CREATE INDEX content_versions_moved_at ON content_versions (moved_at);

-- Called by changes_commit (0020) right after it moved store_version in this transaction: the store version read
-- here is this commit's.
CREATE OR REPLACE FUNCTION content_versions_apply(scopes text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    stamp bigint := (SELECT value FROM store_version);
BEGIN
    INSERT INTO content_versions AS v (scope, version, moved_at)
    SELECT DISTINCT s, 1, stamp FROM unnest(scopes) AS s WHERE s IS NOT NULL ORDER BY s
    ON CONFLICT (scope) DO UPDATE SET version = v.version + 1, moved_at = excluded.moved_at;
    PERFORM pg_notify('content_versions', stamp::text);
END
$$;
