-- Every poll rewrites its source's fetch columns (a 304 too). With room left in each page, PostgreSQL keeps the new
-- version of the row in the same page and adds no index entry (a heap-only tuple) when no indexed column changed,
-- which is so for a poll unless the source's health moves: the sources' indexes, the trigram one on their names among
-- them, then see no write from polls at all.
ALTER TABLE sources SET (fillfactor = 50);
