-- Stories: digests of the strong evidence that articles of different sources tell the same post (story_keys), and
-- the first article of the story for an article another source told first (duplicate_of; null for a story's leader).
-- Entry ids: minted once when an article is stored, never changed (tag: URIs, see EntryIds.Mint in FeedHub.Core).
ALTER TABLE articles
    ADD COLUMN story_keys   text[] NOT NULL DEFAULT '{}',
    ADD COLUMN duplicate_of bigint,
    ADD COLUMN entry_id     text;

CREATE INDEX articles_story_keys ON articles USING gin (story_keys);
CREATE INDEX articles_duplicate_of ON articles (duplicate_of) WHERE duplicate_of IS NOT NULL;
-- The river of stories reads leaders only, newest first.
CREATE INDEX articles_story_river ON articles (sort_date DESC, id DESC) WHERE duplicate_of IS NULL;

-- This installation's authority for entry ids minted while no public address (FeedHub:Site:BaseUrl) is set.
INSERT INTO settings (name, value)
VALUES ('entry-id-authority', 'feedhub-' || substr(md5(random()::text || clock_timestamp()::text), 1, 12) || '.invalid')
ON CONFLICT (name) DO NOTHING;

-- Existing articles get their entry id now, the way EntryIds.Mint makes it.
UPDATE articles SET entry_id = 'tag:' || (SELECT value FROM settings WHERE name = 'entry-id-authority')
    || ',' || to_char(first_seen_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')
    || ':source/' || source_id || '/' || substr(encode(sha256(convert_to(key, 'UTF8')), 'hex'), 1, 16);
ALTER TABLE articles ALTER COLUMN entry_id SET NOT NULL;

-- Story keys are computed from links by FeedHub's URL normaliser, so the store fills them in batches after this
-- migration, oldest article first; the setting records how far it got ('done' at the end).
INSERT INTO settings (name, value) VALUES ('upgrade:stories', '0') ON CONFLICT (name) DO NOTHING;
