-- Full-text search. Each article's words (title, author, its source's names, clean text) are kept as a tsvector
-- built with the text search configuration of its language, by triggers, so every way of writing an article
-- (ingest, extraction, copy from LiteDB) keeps it in step within the same transaction.

-- The configuration for a language tag; mirrors FeedHub.Core.Search.SearchLanguages (a test compares the two).
CREATE FUNCTION feedhub_search_config(language text) RETURNS regconfig
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (CASE lower(split_part(split_part(btrim(coalesce(language, '')), '-', 1), '_', 1))
        WHEN 'en' THEN 'english' WHEN 'fr' THEN 'french' WHEN 'de' THEN 'german' WHEN 'es' THEN 'spanish'
        WHEN 'it' THEN 'italian' WHEN 'pt' THEN 'portuguese' WHEN 'nl' THEN 'dutch' WHEN 'sv' THEN 'swedish'
        WHEN 'da' THEN 'danish' WHEN 'no' THEN 'norwegian' WHEN 'nb' THEN 'norwegian' WHEN 'nn' THEN 'norwegian'
        WHEN 'fi' THEN 'finnish' WHEN 'ru' THEN 'russian' WHEN 'hu' THEN 'hungarian' WHEN 'ro' THEN 'romanian'
        WHEN 'tr' THEN 'turkish' ELSE 'simple' END)::regconfig
$$;

ALTER TABLE articles ADD COLUMN search_config regconfig NOT NULL DEFAULT 'simple';
ALTER TABLE articles ADD COLUMN search_document tsvector;

-- The text is the extracted article when there is one, else the feed's HTML (the text search parser skips tags),
-- at most 100,000 characters of it like the embedded engine.
CREATE FUNCTION feedhub_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_config := feedhub_search_config(NEW.language);
    NEW.search_document := to_tsvector(NEW.search_config, concat_ws(' ',
        NEW.title,
        NEW.author,
        (SELECT concat_ws(' ', s.display_name, s.title) FROM sources AS s WHERE s.id = NEW.source_id),
        left(coalesce(nullif(btrim(NEW.extracted_text), ''), NEW.content, NEW.summary), 100000)));
    RETURN NEW;
END
$$;

CREATE TRIGGER articles_search_document BEFORE INSERT OR UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION feedhub_search_document();

-- A source's names are searched with its articles: renaming it indexes them again.
CREATE FUNCTION feedhub_search_source_renamed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE articles SET search_document = NULL WHERE source_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER sources_search_names AFTER UPDATE OF display_name, title ON sources
    FOR EACH ROW WHEN (OLD.display_name IS DISTINCT FROM NEW.display_name OR OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION feedhub_search_source_renamed();

-- Articles stored before this migration (the trigger fills the column in).
UPDATE articles SET search_document = NULL;

CREATE INDEX articles_search ON articles USING gin (search_document);
