-- Cheaper writes for polls (issue 15).

-- Every poll that brings new articles looks their story keys up in this index before inserting them. With the GIN
-- default (fastupdate) new entries wait in an unsorted pending list of up to 4 MB that every look-up reads whole, and
-- that an unlucky insert then merges into the index; an article has a few story keys, cheap to put in their place.
ALTER INDEX articles_story_keys SET (fastupdate = off);
-- What already waits in the list goes into the index now (look-ups would otherwise read it until the next vacuum).
SELECT gin_clean_pending_list('articles_story_keys'::regclass);

-- Every poll updates its source (a 304 too), and a statement-level trigger ran for each, in PL/pgSQL, only to find
-- that nothing readers see had changed. A row-level trigger's condition is checked without calling any function, so
-- the version of 'sources' is now moved only for the rows that change what readers see; an update changing many
-- moves it once per row, on the same row of content_versions, so lock order is kept (after store_version).
CREATE OR REPLACE FUNCTION sources_content_versions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM content_versions_bump(ARRAY['sources']);
    RETURN NULL;
END
$$;

DROP TRIGGER sources_content_versions_update ON sources;
CREATE TRIGGER sources_content_versions_update AFTER UPDATE ON sources FOR EACH ROW
    WHEN ((NEW.feed_url, NEW.site_url, NEW.title, NEW.display_name, NEW.categories, NEW.state)
        IS DISTINCT FROM (OLD.feed_url, OLD.site_url, OLD.title, OLD.display_name, OLD.categories, OLD.state))
    EXECUTE FUNCTION sources_content_versions();

-- No reader looks articles up by canonical URL since stories are found by their keys (articles_story_keys), and every
-- insert of an article that has one paid for this index.
DROP INDEX articles_canonical_url;
