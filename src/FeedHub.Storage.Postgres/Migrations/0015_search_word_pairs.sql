-- A second GIN index holds, for each article, every pair of words that stand next to each other in its document
-- ("said time" as one entry), with the marker of its configuration. A phrase is asked of it as its pairs: the
-- articles that have "said" and "time" somewhere are many, those that have them side by side are few, and only those
-- are read. Searches without a phrase do not use it.
--
-- A pair is both lexemes with ' + ' between: no word can give it (the parser splits words at spaces), no search can
-- ask for it (queries are parsed the same way), and it cannot be a marker ('language ' and a name, one space).
-- Pairs whose entry would be longer than a lexeme may be (2,047 bytes) are left out: such a phrase is still found
-- by its words.
--
-- COST: the planner must not choose to work the pairs out row by row where the index has them; no higher, or a plan
-- rechecking a few thousand index matches looks costly enough to be compiled (JIT: a second) and run in parallel.
-- It runs for every row written, so its body is the cheapest measured that gives the same pairs: the document's
-- words unnested once (materialised) and joined to themselves one position on. A join rather than lead() because
-- several lexemes can share a position (every word past 16,383 is put at 16,383), and each makes pairs.
CREATE FUNCTION feedhub_search_pairs(document tsvector, config regconfig) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 1000 AS $$
    WITH word AS MATERIALIZED (SELECT u.lexeme, p FROM unnest(document) AS u, unnest(u.positions) AS p)
    SELECT array_to_tsvector(array_append(ARRAY(
        SELECT a.lexeme || ' + ' || b.lexeme FROM word AS a JOIN word AS b ON b.p = a.p + 1
        WHERE octet_length(a.lexeme) + octet_length(b.lexeme) <= 2044), feedhub_search_marker(config)))
$$;

-- The index itself (articles_search_pairs, GIN on feedhub_search_pairs(search_document, search_config)) is not built
-- here: a migration runs in a transaction, where a build holds every write until it ends (34 minutes at a million
-- articles). Running processes build it with CREATE INDEX CONCURRENTLY (PostgresFeedStore.BuildWordPairsIndexAsync);
-- databases that ran this migration when it still built the index keep theirs.
