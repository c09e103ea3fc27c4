-- The articles whose page is still to be fetched, found at a worker's start without reading the others.
CREATE INDEX articles_pending_pages ON articles (id) WHERE extraction = 'Pending';
