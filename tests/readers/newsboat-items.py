"""Prints the articles newsboat keeps in its cache (SQLite) as JSON, to check what a newsboat user sees.

Usage: /usr/bin/python3 newsboat-items.py CACHE_DB
"""
import json
import sqlite3
import sys

with sqlite3.connect(sys.argv[1]) as db:
    rows = db.execute("SELECT feedurl, guid, title, author, url, pubDate, unread, enclosure_url, enclosure_type FROM rss_item ORDER BY id").fetchall()
print(json.dumps([{"feed": f, "guid": g, "title": t, "author": a, "url": u, "date": d, "unread": n, "enclosure_url": eu, "enclosure_type": et}
                  for f, g, t, a, u, d, n, eu, et in rows]))
