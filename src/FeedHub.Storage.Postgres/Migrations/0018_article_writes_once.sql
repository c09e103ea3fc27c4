-- Less work per article written and per poll (issue 15).

-- An article's words, as the search trigger of 0007 made them. The statement that inserts new articles computes them
-- itself (ArticleColumns.InsertSql), rather than through a PL/pgSQL trigger called for each row; the trigger keeps
-- every other way of writing an article in step. A plain expression, which PostgreSQL puts in place in either.
CREATE FUNCTION feedhub_search_words(config regconfig, title text, author text, source_names text, extracted_text text, content text, summary text)
RETURNS tsvector LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_tsvector(config, concat_ws(' ', title, author, source_names, left(coalesce(nullif(btrim(extracted_text), ''), content, summary), 100000)))
$$;

CREATE OR REPLACE FUNCTION feedhub_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_config := feedhub_search_config(NEW.language);
    NEW.search_document := feedhub_search_words(NEW.search_config, NEW.title, NEW.author,
        (SELECT concat_ws(' ', s.display_name, s.title) FROM sources AS s WHERE s.id = NEW.source_id),
        NEW.extracted_text, NEW.content, NEW.summary);
    RETURN NEW;
END
$$;

-- The trigger ran for every row written, also where the words cannot have changed (a story joined, story keys filled
-- in) and where the statement had just computed them. It now runs when a row comes without them (an import, a source
-- renamed: search_document set to null), or when an update changes the text they are made of without giving them.
DROP TRIGGER articles_search_document ON articles;
CREATE TRIGGER articles_search_document_insert BEFORE INSERT ON articles
    FOR EACH ROW WHEN (NEW.search_document IS NULL) EXECUTE FUNCTION feedhub_search_document();
CREATE TRIGGER articles_search_document_update BEFORE UPDATE ON articles
    FOR EACH ROW WHEN (NEW.search_document IS NULL
        OR ((NEW.title, NEW.author, NEW.source_id, NEW.extracted_text, NEW.content, NEW.summary, NEW.language)
                IS DISTINCT FROM (OLD.title, OLD.author, OLD.source_id, OLD.extracted_text, OLD.content, OLD.summary, OLD.language)
            AND NEW.search_document IS NOT DISTINCT FROM OLD.search_document))
    EXECUTE FUNCTION feedhub_search_document();

-- Statement-level triggers run for every statement, also those that wrote no article: an INSERT ... ON CONFLICT DO
-- UPDATE runs the UPDATE ones too (each save of new articles did), and so does a renamed source's UPDATE that finds
-- none of its articles (its first poll). With nothing written there is no scope to move.
CREATE OR REPLACE FUNCTION articles_content_versions() RETURNS trigger LANGUAGE plpgsql AS $$
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
    IF cardinality(source_ids) = 0 THEN
        RETURN NULL;
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

-- Every poll updates its source (a 304 too), and the statement-level tally trigger of 0011 gathered each such
-- statement's old and new rows into transition tables and counted them, to find that nothing changed but when a
-- source's health or categories moved. A row-level trigger's condition is checked without calling any function. The
-- store updates sources one row per statement (by id), so the tally rows are still locked in key order within a
-- statement, as the statement-level trigger locked them.
CREATE FUNCTION sources_tally_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO source_tallies AS t (kind, key, count)
    SELECT kind, key, sum(delta) FROM (
        SELECT 'health' AS kind, NEW.health AS key, 1 AS delta WHERE NEW.health IS NOT NULL
        UNION ALL SELECT 'category', category, 1 FROM unnest(NEW.categories) AS category
        UNION ALL SELECT 'health', OLD.health, -1 WHERE OLD.health IS NOT NULL
        UNION ALL SELECT 'category', category, -1 FROM unnest(OLD.categories) AS category) AS changes
    GROUP BY kind, key HAVING sum(delta) <> 0 ORDER BY kind, key
    ON CONFLICT (kind, key) DO UPDATE SET count = t.count + excluded.count;
    RETURN NULL;
END
$$;

DROP TRIGGER sources_tally_update ON sources;
CREATE TRIGGER sources_tally_update AFTER UPDATE ON sources FOR EACH ROW
    WHEN ((NEW.health, NEW.categories) IS DISTINCT FROM (OLD.health, OLD.categories))
    EXECUTE FUNCTION sources_tally_row();
