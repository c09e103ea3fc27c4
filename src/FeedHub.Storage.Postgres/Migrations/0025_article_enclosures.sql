-- The files an article carries (a podcast's episode, a video): a JSON array of {Url, MediaType, Length, DurationSeconds},
-- null when it has none. Nullable without a default, so adding it rewrites no row.
ALTER TABLE articles ADD COLUMN enclosures jsonb;
