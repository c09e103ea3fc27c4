-- Versions of parts of the content (IFeedStore.GetContentVersionAsync), so a cached page is rendered again only when
-- what it shows changed: 'river' (every article), 'source:ID', 'category:KEY' (lower case, as sources.category_keys),
-- 'hour:YYYY-MM-DDTHH' (the UTC hour of an article's sort date) and 'sources' (what readers see of any source). Kept by
-- statement-level triggers from the transition tables, so every write path keeps them, each row locked once per
-- statement in key order. Writers lock store_version first, so these rows are always locked after it.
CREATE TABLE content_versions (
    scope   text COLLATE "C" PRIMARY KEY,
    version bigint NOT NULL
);

CREATE FUNCTION content_versions_bump(scopes text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO content_versions AS v (scope, version)
    SELECT DISTINCT s, 1 FROM unnest(scopes) AS s WHERE s IS NOT NULL ORDER BY s
    ON CONFLICT (scope) DO UPDATE SET version = v.version + 1;
$$;

-- An article is in the river's scope, its source's, its categories' and its hour's; a new member of a story also moves
-- the scopes of the story's first article, whose listing now credits the new article's source.
CREATE FUNCTION articles_content_versions() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    source_ids bigint[] := '{}';
    sort_dates timestamptz[] := '{}';
    leads bigint[] := '{}';
BEGIN
    IF TG_OP <> 'DELETE' THEN
        SELECT source_ids || array_agg(source_id), sort_dates || array_agg(sort_date), leads || array_agg(duplicate_of)
        INTO source_ids, sort_dates, leads FROM new_rows;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        SELECT source_ids || array_agg(source_id), sort_dates || array_agg(sort_date), leads || array_agg(duplicate_of)
        INTO source_ids, sort_dates, leads FROM old_rows;
    END IF;
    PERFORM content_versions_bump(ARRAY(
        WITH touched AS (
            SELECT t.source_id, t.sort_date FROM unnest(source_ids, sort_dates) AS t(source_id, sort_date)
            UNION SELECT l.source_id, l.sort_date FROM articles l WHERE l.id = ANY (leads))
        SELECT 'source:' || source_id FROM touched
        UNION SELECT 'hour:' || to_char(sort_date AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24') FROM touched
        UNION SELECT 'category:' || k FROM sources s, unnest(s.category_keys) AS k WHERE s.id IN (SELECT source_id FROM touched)
        UNION SELECT 'river' FROM touched));
    RETURN NULL;
END
$$;

CREATE TRIGGER articles_content_versions_insert AFTER INSERT ON articles REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_content_versions();
CREATE TRIGGER articles_content_versions_update AFTER UPDATE ON articles REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_content_versions();
CREATE TRIGGER articles_content_versions_delete AFTER DELETE ON articles REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION articles_content_versions();

-- What readers see of a source: its name, links, categories and state (SourceColumns.ShownToReaders); a poll that
-- only records its fetch state moves nothing.
CREATE FUNCTION sources_content_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Each branch is its own statement: a statement naming old_rows cannot even be planned for an INSERT.
    IF TG_OP <> 'UPDATE' THEN
        PERFORM content_versions_bump(ARRAY['sources']);
    ELSIF EXISTS (
        SELECT 1 FROM new_rows n JOIN old_rows o USING (id)
        WHERE (n.feed_url, n.site_url, n.title, n.display_name, n.categories, n.state)
            IS DISTINCT FROM (o.feed_url, o.site_url, o.title, o.display_name, o.categories, o.state)) THEN
        PERFORM content_versions_bump(ARRAY['sources']);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER sources_content_versions_insert AFTER INSERT ON sources REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sources_content_versions();
CREATE TRIGGER sources_content_versions_update AFTER UPDATE ON sources REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sources_content_versions();
CREATE TRIGGER sources_content_versions_delete AFTER DELETE ON sources REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION sources_content_versions();
