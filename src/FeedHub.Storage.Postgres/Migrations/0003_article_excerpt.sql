-- The opening of an article as plain text, for the reading list.
ALTER TABLE articles ADD COLUMN excerpt text;
