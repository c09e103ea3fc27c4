#!/usr/bin/env bash
# The first requests after a start: this build beside another (--baseline) in the same run. Each round starts
# `feedhub serve` of each build in turn (they take turns at going first) on a copy of one LiteDB store that holds
# only a curator (an empty store, as a new installation), waits until /readyz says ready, then asks /, /digest,
# /feed.atom and /api/sources (with the curator's token) once each, and prints for each path and build the time of
# that first request (median and worst of the rounds), and the time from the start to ready.
#
#   bash tests/bench/warmup.sh [--rounds K] [--baseline path/to/feedhub.dll]
#
#   --rounds K     servers started per build (default 4)
#   --baseline D   another build's feedhub.dll, measured beside this one
# Needs curl and python3. Everything binds 127.0.0.1 and is stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

rounds=4 baseline=""
usage() { grep -m1 '^#   bash tests/bench/warmup.sh' "$0" | sed 's/^#   /usage: /' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=${2:?}; shift 2 ;;
    --baseline) baseline=${2:?}; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "warmup.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -z "$baseline" ] || [ -f "$baseline" ] || { echo "warmup.sh: no baseline build at $baseline" >&2; exit 2; }
for tool in curl python3; do
  command -v "$tool" >/dev/null || { echo "warmup.sh: '$tool' is missing" >&2; exit 2; }
done

. tests/bench/farm.sh
bench_work warmup
say() { echo "warmup.sh: $*" >&2; }
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

build_feedhub
name_builds "$baseline"

# One store for every server: a curator and nothing else. Made by this build; each server gets a copy of it.
mkdir -p "$work/store"
store_env=(FeedHub__Storage__LiteDb__Path="$work/store/feedhub.db" FeedHub__StarterSources=)
token=$(env "${store_env[@]}" dotnet "${dll[this]}" curators add bench 2>"$work/curator.err" | tail -1)
[ -n "$token" ] || { say "no curator token:"; tail -5 "$work/curator.err" >&2; exit 1; }

paths=(/ /digest /feed.atom /api/sources)
now_ms() { date +%s%3N; }
for round in $(seq 1 "$rounds"); do
  order=("${builds[@]}")
  [ $((round % 2)) = 0 ] && [ "${#builds[@]}" = 2 ] && order=("${builds[1]}" "${builds[0]}")
  for build in "${order[@]}"; do
    rm -rf "$work/run" && cp -r "$work/store" "$work/run"
    port=$(free_port)
    started=$(now_ms)
    env FeedHub__Storage__LiteDb__Path="$work/run/feedhub.db" FeedHub__StarterSources= FeedHub__Urls="http://127.0.0.1:$port" \
      dotnet "${dll[$build]}" serve >"$work/serve-$build.out" 2>"$work/serve-$build.err" &
    serve_pid=$!
    pids+=("$serve_pid")
    for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.05; done
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { say "$build did not get ready:"; tail -5 "$work/serve-$build.err" >&2; exit 1; }
    echo $(($(now_ms) - started)) >>"$work/ready-$build"
    for path in "${paths[@]}"; do
      # As a browser or a reader asks: compressed, each on a connection of its own.
      curl -s -o /dev/null --compressed --max-time 60 -H "Authorization: Bearer $token" -w '%{http_code} %{time_total}\n' \
        "http://127.0.0.1:$port$path" >>"$work/first-$build-${path//\//_}"
    done
    say "round $round: $build ready after $(tail -1 "$work/ready-$build") ms; first requests (code, s): $(for path in "${paths[@]}"; do tail -1 "$work/first-$build-${path//\//_}" | tr '\n' ' '; done)"
    kill "$serve_pid"
    wait "$serve_pid" 2>/dev/null || true
  done
done

stat() { sort -n | awk '{v[NR] = $1} END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.1f / %.1f", m, v[NR] }'; }
echo "warmup.sh: first request of each path after /readyz said ready, $rounds servers per build (builds alternating first); ms, median / worst; load average at start $load_at_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-14s' path
for build in "${builds[@]}"; do printf ' %20s' "$build"; done
printf '\n'
for path in "${paths[@]}"; do
  printf '%-14s' "$path"
  for build in "${builds[@]}"; do
    printf ' %20s' "$(awk '{print 1000 * $2}' "$work/first-$build-${path//\//_}" | stat) ms"
  done
  printf '   HTTP %s\n' "$(awk '{print $1}' "$work/first-${builds[-1]}-${path//\//_}" | sort | uniq -c | awk '{printf "%s×%s ", $1, $2}')"
done
printf '%-14s' "start→ready"
for build in "${builds[@]}"; do printf ' %20s' "$(stat <"$work/ready-$build") ms"; done
printf '\n'
