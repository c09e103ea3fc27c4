"""Reads a feed with Universal Feed Parser (Debian's python3-feedparser) and prints what it saw as JSON.

Usage: /usr/bin/python3 feedparser-read.py URL
"""
import json
import sys

import feedparser

feed = feedparser.parse(sys.argv[1])
print(json.dumps({
    "bozo": bool(feed.bozo),
    "bozo_exception": str(feed.get("bozo_exception", "")),
    "version": feed.version,
    "entries": [{
        "id": entry.get("id"),
        "title": entry.get("title"),
        "link": entry.get("link"),
        "author": entry.get("author"),
        "published": entry.get("published") or entry.get("updated"),
        "parsed_date": bool(entry.get("published_parsed") or entry.get("updated_parsed")),
        "content": (entry.get("content") or [{}])[0].get("value") or entry.get("summary"),
        "enclosures": [{"url": e.get("href"), "type": e.get("type"), "length": e.get("length")} for e in entry.get("enclosures", [])],
    } for entry in feed.entries],
}))
