-- Source tallies moved at commit, and no write locks the store version early (issue 15).

-- Writes of sources locked the store version first, then their rows, then the tallies (by their triggers, one
-- statement at a time), so that the tallies' rows were always locked after the version's; since 0019 they moved the
-- version a second time at commit. A poll saving what it learned locks its source's row before anything else (so a
-- curator's change that commits meanwhile is kept): it then waited for the version that a curator's save of the same
-- source held while that save waited for the row, and one of the two failed (40P01). Imports, which write many
-- sources one statement each, held tallies from their first sources while they waited for the rows of the next.
--
-- The tallies' triggers now only note the changes of counts in the transaction, and the statement that moves the
-- versions at commit (0019) applies them first. So before it commits a write of sources holds only the rows it
-- writes, and that statement, the last any transaction runs, locks the tallies in key order, then the store version,
-- then the content versions in key order: it waits only for another commit's statement, which waits for nothing a
-- transaction holds before its commit. Readers are unaffected: a count, like a version, moves in the transaction
-- that makes its change.

CREATE TYPE source_tally_change AS (kind text, key text, delta bigint);

-- What the tallies' triggers call: adds changes to those this transaction applies when it commits, kept in a
-- setting local to the transaction (a rolled-back savepoint takes its changes back with it), summed by count so that
-- it stays as small as the counts touched however many sources a transaction writes.
CREATE FUNCTION source_tallies_note(changes source_tally_change[]) RETURNS void LANGUAGE sql AS $$
    SELECT set_config('feedhub.pending_tallies', ARRAY(
        SELECT ROW(kind, key, sum(delta))::source_tally_change FROM (
            SELECT * FROM unnest(changes)
            UNION ALL SELECT * FROM unnest(nullif(current_setting('feedhub.pending_tallies', true), '')::source_tally_change[])) AS c
        GROUP BY kind, key HAVING sum(delta) <> 0)::text, true);
$$;

-- Inserts and deletes (statement-level, 0011): one row per health state and category.
CREATE OR REPLACE FUNCTION sources_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each branch is its own statement: a statement naming old_rows cannot even be planned for an INSERT.
    IF TG_OP = 'INSERT' THEN
        PERFORM source_tallies_note(ARRAY(
            SELECT ROW('health', health, 1)::source_tally_change FROM new_rows WHERE health IS NOT NULL
            UNION ALL SELECT ROW('category', category, 1)::source_tally_change FROM new_rows, unnest(categories) AS category));
    ELSE
        PERFORM source_tallies_note(ARRAY(
            SELECT ROW('health', health, -1)::source_tally_change FROM old_rows WHERE health IS NOT NULL
            UNION ALL SELECT ROW('category', category, -1)::source_tally_change FROM old_rows, unnest(categories) AS category));
    END IF;
    RETURN NULL;
END
$$;

-- Updates that move a source's health or categories (row-level, 0018).
CREATE OR REPLACE FUNCTION sources_tally_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM source_tallies_note(ARRAY(
        SELECT ROW('health', NEW.health, 1)::source_tally_change WHERE NEW.health IS NOT NULL
        UNION ALL SELECT ROW('category', category, 1)::source_tally_change FROM unnest(NEW.categories) AS category
        UNION ALL SELECT ROW('health', OLD.health, -1)::source_tally_change WHERE OLD.health IS NOT NULL
        UNION ALL SELECT ROW('category', category, -1)::source_tally_change FROM unnest(OLD.categories) AS category));
    RETURN NULL;
END
$$;

-- The commit statement of 0019, now for the tallies too: the first of a transaction's deferred triggers applies the
-- noted counts, then moves the store version and the noted scopes; the others find nothing left to do.
ALTER FUNCTION content_versions_commit() RENAME TO changes_commit;
CREATE OR REPLACE FUNCTION changes_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tallies source_tally_change[] := nullif(current_setting('feedhub.pending_tallies', true), '')::source_tally_change[];
    scopes text[] := nullif(current_setting('feedhub.pending_scopes', true), '')::text[];
BEGIN
    IF cardinality(tallies) > 0 THEN
        PERFORM set_config('feedhub.pending_tallies', '', true);
        -- Rows that fall to zero stay (readers skip them): deleting them would lock rows out of key order.
        INSERT INTO source_tallies AS t (kind, key, count)
        SELECT kind, key, delta FROM unnest(tallies) ORDER BY kind, key
        ON CONFLICT (kind, key) DO UPDATE SET count = t.count + excluded.count;
    END IF;
    IF cardinality(scopes) > 0 THEN
        PERFORM set_config('feedhub.pending_scopes', '', true);
        UPDATE store_version SET value = value + 1;
        PERFORM content_versions_apply(scopes);
    END IF;
    RETURN NULL;
END
$$;

-- Inserts and deletes of sources already run it at commit (0019); updates now also when they move a tally.
DROP TRIGGER sources_content_versions_commit_update ON sources;
CREATE CONSTRAINT TRIGGER sources_changes_commit_update AFTER UPDATE ON sources
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((NEW.feed_url, NEW.site_url, NEW.title, NEW.display_name, NEW.categories, NEW.state, NEW.health)
        IS DISTINCT FROM (OLD.feed_url, OLD.site_url, OLD.title, OLD.display_name, OLD.categories, OLD.state, OLD.health))
    EXECUTE FUNCTION changes_commit();
