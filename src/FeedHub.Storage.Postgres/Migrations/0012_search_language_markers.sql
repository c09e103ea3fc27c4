-- The GIN index holds, with each article's words, a marker of its configuration: a lexeme with a space in it, which
-- no text can give (the parser splits words at spaces) and no search can ask for (queries are parsed the same way).
-- A query whose forms differ between languages then asks the index itself for "this configuration AND this form",
-- instead of taking every language's matches and unpacking each document to check its configuration.
--
-- The marker is in the index's expression rather than in the stored document, so nothing is rewritten: building the
-- index is the whole migration. Writers wait for it, readers do not; only the final swap of the two indexes holds
-- readers, for a moment.

-- IMMUTABLE although a configuration's name depends on the search path: every configuration used is in pg_catalog,
-- which is always on it.
CREATE FUNCTION feedhub_search_marker(config regconfig) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT 'language ' || config::text
$$;

-- What the GIN index holds and searches are asked against: the document and its configuration's marker.
CREATE FUNCTION feedhub_search_marked(document tsvector, config regconfig) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT document || array_to_tsvector(ARRAY[feedhub_search_marker(config)])
$$;

SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX articles_search_marked ON articles USING gin (feedhub_search_marked(search_document, search_config));
-- The planner's statistics of the index's expression, which searches are planned on from now (taken before the
-- swap, which holds readers until the end).
ANALYZE articles;
DROP INDEX articles_search;
ALTER INDEX articles_search_marked RENAME TO articles_search;
