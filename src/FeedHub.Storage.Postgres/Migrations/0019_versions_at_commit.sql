-- Versions moved at commit (issue 15).

-- Every save of articles moved the store version first and the content versions its triggers found ('river' always),
-- then inserted its articles: the rows stayed locked until the commit, so saves from different sources waited on
-- each other for the whole insert (23-32 ms each at 16 polls in flight) and ran one at a time. The triggers now only
-- note the scopes a transaction touched; a deferred trigger moves the store version and those scopes' versions in
-- one statement when the transaction commits, so the hot rows are held from then until the commit's end.
--
-- What readers rely on stays: the versions move in the transaction that makes the change, so no reader sees a new
-- version before the change is visible, and every change still moves the versions of its scopes. That statement
-- locks the store version first and the scopes in key order, and is the last a transaction runs: it waits there
-- only for another commit's statement, or for a write of sources that locked the store version before the source
-- tallies (the store's writes of sources still do, to keep that order), neither of which then waits for it.

-- The old body of content_versions_bump: moves the versions of scopes now, locking their rows in key order.
CREATE FUNCTION content_versions_apply(scopes text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO content_versions AS v (scope, version)
    SELECT DISTINCT s, 1 FROM unnest(scopes) AS s WHERE s IS NOT NULL ORDER BY s
    ON CONFLICT (scope) DO UPDATE SET version = v.version + 1;
$$;

-- What the triggers of articles and sources call: adds the scopes to those this transaction will move when it
-- commits, kept in a setting local to the transaction (a rolled-back savepoint takes its scopes back with it).
CREATE OR REPLACE FUNCTION content_versions_bump(scopes text[]) RETURNS void LANGUAGE sql AS $$
    SELECT set_config('feedhub.pending_scopes', ARRAY(
        SELECT s FROM unnest(scopes) AS s WHERE s IS NOT NULL
        UNION SELECT unnest(nullif(current_setting('feedhub.pending_scopes', true), '')::text[]))::text, true);
$$;

-- Run at commit for every row written (a constraint trigger is row-level): the first moves the noted scopes and the
-- store version, the others find nothing left to do.
CREATE FUNCTION content_versions_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    scopes text[] := nullif(current_setting('feedhub.pending_scopes', true), '')::text[];
BEGIN
    IF cardinality(scopes) > 0 THEN
        PERFORM set_config('feedhub.pending_scopes', '', true);
        UPDATE store_version SET value = value + 1;
        PERFORM content_versions_apply(scopes);
    END IF;
    RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER articles_content_versions_commit AFTER INSERT OR UPDATE OR DELETE ON articles
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_versions_commit();
CREATE CONSTRAINT TRIGGER sources_content_versions_commit AFTER INSERT OR DELETE ON sources
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION content_versions_commit();
-- As sources_content_versions_update (0017): a poll that records only its fetch state has nothing to move.
CREATE CONSTRAINT TRIGGER sources_content_versions_commit_update AFTER UPDATE ON sources
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((NEW.feed_url, NEW.site_url, NEW.title, NEW.display_name, NEW.categories, NEW.state)
        IS DISTINCT FROM (OLD.feed_url, OLD.site_url, OLD.title, OLD.display_name, OLD.categories, OLD.state))
    EXECUTE FUNCTION content_versions_commit();
