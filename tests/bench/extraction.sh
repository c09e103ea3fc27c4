#!/usr/bin/env bash
# Article-extraction regression benchmark: FeedHub's `extract` on the three public corpora of ../shared (news,
# readability, trafilatura-dev, the latter also by halves: pages with even and odd index in id order), beside
# SmartReader run in the same session on the same pages, with pages/s, FeedHub's share of SmartReader's speed and
# FeedHub's slowest page. A gain on one corpus must never be paid with a loss on another: read the lines together.
# Usage: bash tests/bench/extraction.sh   (needs ../shared; not part of the test suite)
set -euo pipefail
cd "$(dirname "$0")/../.."
shared="${SHARED:-../shared}"
tools="$shared/tools"
[ -f "$tools/score_extraction.py" ] || { echo "no $tools/score_extraction.py: this benchmark needs the shared corpora" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-extraction-bench.XXXXXX")"
trap 'rm -rf "$work"' EXIT

dotnet build -c Release src/FeedHub >/dev/null
# The peer is built outside the project tree (shared/ may be read-only), as tools/README.md says.
cp -r "$tools/peers/smartreader" "$work/smartreader-src"
dotnet build -c Release "$work/smartreader-src" -o "$work/smartreader" >/dev/null

feedhub=(dotnet src/FeedHub/bin/Release/net10.0/feedhub.dll extract)
smartreader=("$work/smartreader/SmartReaderPeer" smartreader)

for name in feedhub smartreader; do
  declare -n command="$name"
  python3 "$tools/score_extraction.py" news --json-out "$work/$name-news.json" -- "${command[@]}" >/dev/null
  python3 "$tools/score_extraction.py" readability --json-out "$work/$name-readability.json" -- "${command[@]}" >/dev/null
  python3 "$tools/score_trafilatura_dev.py" --json-out "$work/$name-trafilatura.json" -- "${command[@]}" >/dev/null
  unset -n command
done

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
def load(name, corpus):
    with open(f"{work}/{name}-{corpus}.json", encoding="utf-8") as f:
        return json.load(f)

def snippets(summary, ids):
    pages = summary["per_page"]
    tp = sum(pages[i]["tp"] for i in ids); fp = sum(pages[i]["fp"] for i in ids); fn = sum(pages[i]["fn"] for i in ids)
    return 2 * tp / max(1, 2 * tp + fp + fn), tp / max(1, tp + fp), tp / max(1, tp + fn)

def pages_per_second(summary):
    return summary["pages"] / summary["seconds"]

def pages_per_cpu_second(summary):
    return summary["pages"] / summary["cpu_seconds"] if summary.get("cpu_seconds") else float("nan")

def speed(f, s):
    return (f"    {pages_per_second(f):11.1f} {pages_per_second(s):15.1f} {pages_per_second(f) / pages_per_second(s):5.1f}x"
            f"    {pages_per_cpu_second(f):9.1f} {pages_per_cpu_second(s):9.1f} {pages_per_cpu_second(f) / pages_per_cpu_second(s):5.1f}x")

print(f"{'corpus':<22} {'FeedHub F1 / P / R':>22}   {'SmartReader F1 / P / R':>22}   {'FeedHub p/s':>11} {'SmartReader p/s':>15} {'ratio':>6}"
      f"    {'FH p/cpu-s':>9} {'SR p/cpu-s':>9} {'ratio':>6}")
for corpus in ("news", "readability"):
    f, s = load("feedhub", corpus), load("smartreader", corpus)
    print(f"{corpus:<22} {f['f1']:.3f} / {f['precision']:.3f} / {f['recall']:.3f}    {s['f1']:.3f} / {s['precision']:.3f} / {s['recall']:.3f}"
          + speed(f, s))
f, s = load("feedhub", "trafilatura"), load("smartreader", "trafilatura")
ids = sorted(f["per_page"])
for label, part in (("trafilatura-dev", ids), ("  even half", ids[0::2]), ("  odd half", ids[1::2])):
    a, b = snippets(f, part), snippets(s, part)
    print(f"{label:<22} {a[0]:.3f} / {a[1]:.3f} / {a[2]:.3f}    {b[0]:.3f} / {b[1]:.3f} / {b[2]:.3f}"
          + (speed(f, s) if label == "trafilatura-dev" else ""))

slowest = []
for corpus in ("news", "readability", "trafilatura"):
    for page, ms in load("feedhub", corpus).get("self_reported", {}).get("slowest_ms", {}).items():
        slowest.append((ms, corpus, page))
ms, corpus, page = max(slowest)
print(f"FeedHub slowest page: {ms:.0f} ms wall ({corpus}/{page}); pages/s is wall clock with process start-up, "
      f"p/cpu-s the same pages per CPU second (steadier on a busy machine)")
PY
