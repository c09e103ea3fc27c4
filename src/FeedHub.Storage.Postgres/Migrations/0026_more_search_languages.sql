-- Arabic and Greek get their language's rules (stemming, stop words), as FeedHub.Core.Search.SearchLanguages now
-- gives them: an Arabic word is found with or without its attached article
-- (المكتبة, مكتبة). Mirrors SearchLanguages (a test compares the two).
CREATE OR REPLACE FUNCTION feedhub_search_config(language text) RETURNS regconfig
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (CASE lower(split_part(split_part(btrim(coalesce(language, '')), '-', 1), '_', 1))
        WHEN 'en' THEN 'english' WHEN 'fr' THEN 'french' WHEN 'de' THEN 'german' WHEN 'es' THEN 'spanish'
        WHEN 'it' THEN 'italian' WHEN 'pt' THEN 'portuguese' WHEN 'nl' THEN 'dutch' WHEN 'sv' THEN 'swedish'
        WHEN 'da' THEN 'danish' WHEN 'no' THEN 'norwegian' WHEN 'nb' THEN 'norwegian' WHEN 'nn' THEN 'norwegian'
        WHEN 'fi' THEN 'finnish' WHEN 'ru' THEN 'russian' WHEN 'hu' THEN 'hungarian' WHEN 'ro' THEN 'romanian'
        WHEN 'tr' THEN 'turkish' WHEN 'ar' THEN 'arabic' WHEN 'el' THEN 'greek' ELSE 'simple' END)::regconfig
$$;

-- The articles already stored in those languages are indexed again with their rules: their words set to nothing make
-- the update trigger (0018) compute them with the configuration above. Only those rows are written.
UPDATE articles SET search_document = NULL WHERE search_config <> feedhub_search_config(language);
