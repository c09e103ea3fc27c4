-- What the poller keeps for health: items in the last full response, the newest post and the usual gap between posts.
ALTER TABLE sources
    ADD COLUMN last_item_count     integer,
    ADD COLUMN latest_post_at      timestamptz,
    ADD COLUMN usual_post_interval interval;

-- Kept beside each source at every write by the store (SourceHealthRules and SourceKeys in FeedHub.Core), so that a
-- page of sources is read from an index: its health state and rank (worst first), its name, what a search looks in,
-- and its categories, in lower case. Null until the store has judged a row written before this migration (it does so
-- when it opens).
ALTER TABLE sources
    ADD COLUMN health        text,
    ADD COLUMN health_rank   smallint,
    ADD COLUMN name_key      text COLLATE "C",
    ADD COLUMN search_text   text,
    ADD COLUMN category_keys text[];

CREATE INDEX sources_by_health ON sources (health_rank, name_key, id);
CREATE INDEX sources_by_name ON sources (name_key, id);
CREATE INDEX sources_category_keys ON sources USING gin (category_keys);

-- Substring search (LIKE '%…%') over names, addresses and categories goes through trigrams.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX sources_search_text ON sources USING gin (search_text gin_trgm_ops);

-- Sources by health state and by category, kept by a trigger as sources change, so the admin page and /metrics
-- count without reading the sources.
CREATE TABLE source_tallies (
    kind  text   NOT NULL,
    key   text   NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (kind, key)
);

INSERT INTO source_tallies (kind, key, count)
SELECT 'category', category, count(*) FROM sources, unnest(categories) AS category GROUP BY category;

-- Statement-level, from the transition tables: one statement changes the counts once, locking their rows in key
-- order (so two statements never wait on each other in a cycle), and only when a count really changes. Rows that
-- fall to zero stay (readers skip them): deleting them would lock rows out of that order.
CREATE FUNCTION sources_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO source_tallies AS t (kind, key, count)
        SELECT kind, key, sum(delta) FROM (
            SELECT 'health' AS kind, health AS key, 1 AS delta FROM new_rows WHERE health IS NOT NULL
            UNION ALL SELECT 'category', category, 1 FROM new_rows, unnest(categories) AS category) AS changes
        GROUP BY kind, key ORDER BY kind, key
        ON CONFLICT (kind, key) DO UPDATE SET count = t.count + excluded.count;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO source_tallies AS t (kind, key, count)
        SELECT kind, key, sum(delta) FROM (
            SELECT 'health' AS kind, health AS key, -1 AS delta FROM old_rows WHERE health IS NOT NULL
            UNION ALL SELECT 'category', category, -1 FROM old_rows, unnest(categories) AS category) AS changes
        GROUP BY kind, key ORDER BY kind, key
        ON CONFLICT (kind, key) DO UPDATE SET count = t.count + excluded.count;
    ELSE
        INSERT INTO source_tallies AS t (kind, key, count)
        SELECT kind, key, sum(delta) FROM (
            SELECT 'health' AS kind, health AS key, 1 AS delta FROM new_rows WHERE health IS NOT NULL
            UNION ALL SELECT 'category', category, 1 FROM new_rows, unnest(categories) AS category
            UNION ALL SELECT 'health', health, -1 FROM old_rows WHERE health IS NOT NULL
            UNION ALL SELECT 'category', category, -1 FROM old_rows, unnest(categories) AS category) AS changes
        GROUP BY kind, key HAVING sum(delta) <> 0 ORDER BY kind, key
        ON CONFLICT (kind, key) DO UPDATE SET count = t.count + excluded.count;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sources_tally_insert AFTER INSERT ON sources REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sources_tally();
CREATE TRIGGER sources_tally_update AFTER UPDATE ON sources REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sources_tally();
CREATE TRIGGER sources_tally_delete AFTER DELETE ON sources REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sources_tally();
