#!/usr/bin/env python3
"""Shares of a profile's samples by stage of a poll, from `perf script -F comm,pid,ip,sym,dso` of a FeedHub run with
perf maps (tests/bench/profile.sh). A sample counts for the JIT when its thread is the tiering thread or its stack
passes through libclrjit; otherwise for the group of its innermost frame that names one (LiteDB's, Lucene's,
AngleSharp's, FeedHub's), and within the group for the first stage whose pattern a frame of its stack matches. The
runtime's own frames (allocation, garbage collection, stubs) count for the stage above them. A precompiled
(ReadyToRun) frame, unnamed, counts as its assembly's (LiteDB.?, Lucene.Net.?): its stage is then told by the named
frames around it only (LiteDB's own named frames tell commits, inserts and queries apart too), and a LiteDB sample that
none tells has a stage of its own ("stage not told"): with ReadyToRun on, most of LiteDB's and the store's frames are
unnamed, and that stage is then about a tenth of the samples (it was most of "LiteDB other" before it had a name), the
same work as the stages that profile.sh without --ready-to-run names. The kernel's frames tell LiteDB's file writes
(which it makes only in commits and checkpoints) and page reads.

    python3 tests/bench/cpu_stages.py perf.txt
"""
import collections
import re
import sys

GROUPS = [
    (r'^Lucene\.Net|^J2N|LuceneArticleIndex|IndexingTurns', [
        ('Lucene commit (flush of the segment, fsync)', r'LuceneArticleIndex\.Commit'),
        ('Lucene add (analysis, inversion)', r'.'),
    ]),
    (r'^LiteDB\.|LiteDbFeedStore|ReopeningEngine|SourceDirectory', [
        ('LiteDB commit (log writes, checkpoint)',
         r'LiteEngine\.Commit|ReopeningEngine.*Commit|TransactionService\.(Commit|PersistDirtyPages)|WalIndexService\.(TryCheckpoint|CheckpointInternal)'
         # LiteDB writes its files only there: the log at a commit, the file (and the log's truncation) at a checkpoint.
         r'|__x64_sys_(pwrite64|write|ftruncate|fsync|fdatasync)$'),
        ('LiteDB page reads from the files (pages not in its cache, as after each checkpoint)', r'__x64_sys_(pread64|read)$'),
        ('LiteDB story look-ups (AssignStories)', r'AssignStories|PrepareInserts'),
        ('LiteDB saves of poll state (SavePoll)', r'SavePollAsync|QuietPollSaves'),
        ('LiteDB inserts and updates of articles',
         r'LiteEngine\.(Insert|Update)$|<(Insert|Update)>b__|LiteEngine\.(InsertDocument|UpdateDocument)|DataService\.(Insert|Update)|IndexService\.AddNode'),
        ('LiteDB document mapping (BsonMapper)', r'BsonMapper|LiteDbFeedStore\.To(Document|Article)'),
        ('LiteDB known-article look-up (ingest)', r'GetKnownArticles'),
        ('LiteDB other queries (source read, HasArticles; plan, snapshot, seeks)', r'LiteEngine\.Query|QueryExecutor|BsonExpression\.Create'),
        ('LiteDB, stage not told (precompiled frames, unnamed)', r'^(LiteDB|FeedHub\.Storage\.LiteDb)\.\?$'),
        ('LiteDB other (opening, source directory, the rest)', r'.'),
    ]),
    (r'SearchText\.', [('search text of the article (SearchText.Body)', r'.')]),
    (r'HtmlContentSanitizer|HtmlFragments|PooledMarkup|^AngleSharp', [('sanitiser (AngleSharp parse, walk)', r'.')]),
    (r'Ingest\.HtmlText|Sanitizer\.PlainText', [('HtmlText, PlainText (titles, authors, excerpts)', r'.')]),
    (r'StoryIdentity|Digests|ArticleIdentity|UrlNormalizer|EntryIds', [('story keys, hashes, URLs (ingest)', r'.')]),
    (r'LanguageDetector|ArticleLanguage|TextMetrics|ExtractionPolicy|Mojibake', [('language, word count, extraction policy', r'.')]),
    (r'ArticleIngester', [('ingest, other', r'.')]),
    (r'FeedHub\.Core\.(Parser|Charsets|Dates)|^System\.Xml', [('feed parse (XML, charset, dates)', r'.')]),
    (r'Microsoft\.Extensions\.Logging|SimpleConsole|System\.Console', [('logging', r'.')]),
    (r'^System\.Net|FeedFetcher|HostThrottle|PrivateNetworkGuard|System\.IO\.Compression', [('HTTP fetch', r'.')]),
    (r'^FeedHub\.', [('poller, command, other FeedHub', r'.')]),
]


def samples(path):
    """(thread name, [(symbol, dso)] innermost first) per sample; a perf-map symbol becomes Namespace.Type.Method."""
    current = None
    for line in open(path, errors='replace'):
        if not line.strip():
            if current:
                yield current
            current = None
        elif not line[0].isspace():
            current = (line.rsplit(None, 1)[0] if len(line.split()) > 1 else line.strip(), [])
        elif current is not None and (m := re.match(r'\s*[0-9a-f]+\s+(.*)\s+\((.*)\)\s*$', line)):
            symbol = m.group(1)
            if k := re.search(r'\] ([^\s\[\]]+::[^(\s]+)\(', symbol):
                symbol = k.group(1).replace('::', '.')
            elif symbol == '[unknown]' and m.group(2).endswith('.dll'):
                # Precompiled (ReadyToRun) code has no name in the perf map: its assembly stands for it.
                symbol = m.group(2).rsplit('/', 1)[-1][:-len('.dll')] + '.?'
            current[1].append((symbol, m.group(2)))
    if current:
        yield current


def stage(thread, frames):
    if thread.startswith('.NET Tiered') or any('libclrjit' in dso for _, dso in frames):
        return 'JIT (tiering thread, JIT calls)'
    for symbol, _ in frames:
        for pattern, stages in GROUPS:
            if re.search(pattern, symbol):
                return next(name for name, within in stages if any(re.search(within, s) for s, _ in frames))
    if thread.startswith('.NET BGC'):
        return 'background GC thread'
    if any(re.match(r'^(System|Microsoft)\.', s) for s, _ in frames):
        return 'framework only (thread pool, tasks)'
    return 'native only (runtime, kernel, start-up)'


counts = collections.Counter(stage(thread, frames) for thread, frames in samples(sys.argv[1]))
total = sum(counts.values())
for name, count in counts.most_common():
    print(f"{100 * count / total:6.1f} %  {name}")
print(f"({total} samples)")
