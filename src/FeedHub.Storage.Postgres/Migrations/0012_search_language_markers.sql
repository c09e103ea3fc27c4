-- Each search document also holds a marker of its configuration: a lexeme with a space in it, which no text can
-- give (the parser splits words at spaces) and no search can ask for (queries are parsed the same way). A query whose
-- forms differ between languages then asks the GIN index itself for "this configuration AND this form", instead of
-- taking every language's matches and unpacking each document to check its configuration.
CREATE FUNCTION feedhub_search_marker(config regconfig) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'language ' || config::text
$$;

CREATE OR REPLACE FUNCTION feedhub_search_document() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_config := feedhub_search_config(NEW.language);
    NEW.search_document := to_tsvector(NEW.search_config, concat_ws(' ',
        NEW.title,
        NEW.author,
        (SELECT concat_ws(' ', s.display_name, s.title) FROM sources AS s WHERE s.id = NEW.source_id),
        left(coalesce(nullif(btrim(NEW.extracted_text), ''), NEW.content, NEW.summary), 100000)))
        || array_to_tsvector(ARRAY[feedhub_search_marker(NEW.search_config)]);
    RETURN NEW;
END
$$;

-- Articles stored before: their words are right, only the marker is added (the trigger would parse every text
-- again). Writers wait for this statement (the lock, which disabling the trigger takes anyway, also keeps out rows
-- written with the old function and not seen by it); readers and searches go on.
ALTER TABLE articles DISABLE TRIGGER articles_search_document;
UPDATE articles SET search_document = search_document || array_to_tsvector(ARRAY[feedhub_search_marker(search_config)]);
ALTER TABLE articles ENABLE TRIGGER articles_search_document;
