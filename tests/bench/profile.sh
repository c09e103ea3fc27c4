#!/usr/bin/env bash
# Where a new feed's CPU goes: `perf record -g` of one cold `poll --once` of N farm feeds on a fresh LiteDB store (16 in
# flight), then the samples' shares by stage (tests/bench/cpu_stages.py): JIT, LiteDB's inserts, commits, story
# look-ups and poll saves, Lucene's analysis and commits, the sanitiser, parsing, HTTP and the rest. With --repoll,
# where a poll answered 304 goes: the store is fetched cold first (not profiled), then the poll again is profiled.
#
#   bash tests/bench/profile.sh [--feeds N] [--dll path/to/feedhub.dll] [--ready-to-run] [--repoll] [--keep DIR]
#
#   --feeds N         feeds to poll (default 1000)
#   --repoll          profile the second `poll --once`, every feed answering 304, instead of the cold one
#   --dll D           the build to profile (default: this worktree's Release build, which must exist)
#   --ready-to-run    keep the precompiled code as shipped; by default ReadyToRun is off, so that every managed frame
#                     is jitted and named in the perf map (the JIT's share is then larger than users see)
#   --keep DIR        leave perf.data and the script output (perf.txt) in DIR
#
# Needs perf (apt-get install linux-perf). Runs with DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=1000 dll=src/FeedHub/bin/Release/net10.0/feedhub.dll ready_to_run=0 keep="" repoll=false
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --dll) dll=${2:?}; shift 2 ;;
    --ready-to-run) ready_to_run=1; shift ;;
    --repoll) repoll=true; shift ;;
    --keep) keep=${2:?}; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "profile.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
command -v perf >/dev/null || { echo "profile.sh: perf is missing (apt-get install linux-perf)" >&2; exit 2; }
[ -f "$dll" ] || { echo "profile.sh: no build at $dll (dotnet build -c Release src/FeedHub)" >&2; exit 2; }

. tests/bench/farm.sh
farm_require profile.sh "$feeds"
bench_work profile
farm_start
farm_opml "$feeds" "$work/farm.opml"
out=${keep:-$work/out}
mkdir -p "$out" "$work/db"
env=(FeedHub__StarterSources= FeedHub__Fetcher__AllowPrivateNetworks=true FeedHub__Fetcher__MaxConcurrency=16
  FeedHub__Fetcher__MaxPerHost=16 FeedHub__Storage__Provider=LiteDb "FeedHub__Storage__LiteDb__Path=$work/db/feedhub.db")
env "${env[@]}" dotnet "$dll" import "$work/farm.opml" >"$work/import.out" 2>&1 || { tail -5 "$work/import.out" >&2; exit 1; }
what=cold
if $repoll; then
  env "${env[@]}" dotnet "$dll" poll --once >"$work/cold.out" 2>&1 || { tail -5 "$work/cold.out" >&2; exit 1; }
  what="re-poll (all 304)"
fi
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
env "${env[@]}" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=$ready_to_run \
  /usr/bin/time -f '%U %S' -o "$work/time" perf record -q -F 499 -g -o "$out/perf.data" -- dotnet "$dll" poll --once \
  >"$work/poll.out" 2>"$work/poll.err" || { tail -5 "$work/poll.err" >&2; exit 1; }
read -r user sys <"$work/time"
perf script -i "$out/perf.data" -F comm,pid,ip,sym,dso >"$out/perf.txt" 2>/dev/null
# The perf map the run wrote (/tmp/perf-PID.map) is read above and removed.
pid=$(awk 'NF == 2 && $1 == "dotnet" { print $2; exit }' "$out/perf.txt")
[ -n "$pid" ] && rm -f "/tmp/perf-$pid.map" "/tmp/perfinfo-$pid.map"
echo "profile.sh, $(date -u '+%Y-%m-%d %H:%M UTC'): $what poll --once of $feeds farm feeds, LiteDB, 16 in flight, ReadyToRun" \
  "$([ "$ready_to_run" = 1 ] && echo on || echo off); $(tail -1 "$work/poll.out"); CPU $(bc <<<"$user + $sys") s under perf;" \
  "load average $load_before at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 tests/bench/cpu_stages.py "$out/perf.txt"
