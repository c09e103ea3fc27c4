// Reads a feed with the npm package feedsmith (installed here by `npm ci`) and prints what it saw as JSON.
// Usage: node feedsmith-read.mjs URL
import { parseFeed } from 'feedsmith';

const response = await fetch(process.argv[2]);
const { format, feed } = parseFeed(await response.text());
const entries = (feed.items ?? feed.entries ?? []).map(item => ({
  id: item.id ?? item.guid?.value ?? null,
  title: typeof item.title === 'string' ? item.title : item.title?.value ?? null,
  link: item.url ?? item.link ?? item.links?.find(l => !l.rel || l.rel === 'alternate')?.href ?? null,
  author: item.authors?.[0]?.name ?? item.dc?.creators?.[0] ?? item.author ?? null,
  published: item.date_published ?? item.pubDate ?? item.published ?? item.updated ?? null,
  content: item.content_html ?? item.content?.encoded ?? (typeof item.content === 'string' ? item.content : item.content?.value) ?? item.description ?? item.summary ?? null,
  // RSS <enclosure>, Atom <link rel="enclosure">, JSON Feed attachments, in one shape.
  enclosures: [
    ...(item.enclosures ?? []).map(e => ({ url: e.url ?? null, type: e.type ?? null, length: e.length ?? null })),
    ...(item.links ?? []).filter(l => l.rel === 'enclosure').map(l => ({ url: l.href ?? null, type: l.type ?? null, length: l.length ?? null })),
    ...(item.attachments ?? []).map(a => ({ url: a.url ?? null, type: a.mime_type ?? null, length: a.size_in_bytes ?? null })),
  ],
}));
console.log(JSON.stringify({ format, entries }));
