-- The interval a feed's publisher asks for (RSS ttl, sy:updatePeriod and sy:updateFrequency), kept from its last full
-- read (FetchState.PublisherInterval): a poll answered 304 reads no document, and its next poll still honours it.
-- Null until the source's next full read.
ALTER TABLE sources ADD COLUMN publisher_interval interval;
