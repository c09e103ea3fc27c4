-- Story keys placed by site (issue 15): a story key is now a short digest of the site its URL is on, then the story's
-- digest as before, so that a site's keys are neighbours in articles_story_keys and a new feed's inserts touch a few
-- of its pages instead of a few pages each at a random place of it. Articles stored before hold the story's digest
-- alone, and cannot all be given placed keys (a canonical URL found on an article's page is kept as its digest only):
-- a database with articles is recorded as holding keys of both forms, and its look-ups ask for both forms of each key
-- (StoryIdentity.LookupKeysOf); a new database holds placed keys only. The setting is the store's (FormsSetting).
INSERT INTO settings (name, value)
SELECT 'story-keys', CASE WHEN EXISTS (SELECT FROM articles) THEN 'bare-too' ELSE 'placed' END
ON CONFLICT (name) DO NOTHING;
