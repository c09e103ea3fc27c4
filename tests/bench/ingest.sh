#!/usr/bin/env bash
# Ingest benchmark: CPU per new feed and per re-poll answered 304, for one store, with FeedHub's `poll --once` on N farm
# feeds (../shared/tools/farm: 20 items of 28-60 KB each, 50-200 ms latency). A narrower, faster cut of scale.sh for
# working on the poll path: optionally a second build (--baseline) runs the same scenarios in the same run, alternating
# with this one (each going first in every other repetition), so that a before/after comparison sees the same load.
#
#   bash tests/bench/ingest.sh [--feeds N] [--store litedb|postgres] [--in-flight P] [--reps R]
#                              [--baseline path/to/feedhub.dll] [--farm http://127.0.0.1:PORT] [--no-build] [--repoll-only]
#                              [--fetched path/to/feedhub.db] [--writes F] [--together]
#
#   --feeds N      feeds to poll (default 1000; generated under $FARM when missing)
#   --store        litedb (default) or postgres ($FEEDHUB_TEST_POSTGRES when set, else a throwaway server)
#   --in-flight P  requests in flight (FeedHub:Fetcher:MaxConcurrency and MaxPerHost; default 16)
#   --reps R       repetitions of each scenario per build (default 2)
#   --baseline D   another build's feedhub.dll, measured beside this worktree's Release build
#   --no-build     use the Release build as it is (it must exist)
#   --repoll-only  one store for every build and rep, fetched cold once (by this build, unmeasured); then only the 304
#                  poll and the start-up are measured, the builds taking turns on it: the re-poll of 10,000 feeds
#                  without a cold poll of 10,000 per build and rep (the builds must read each other's store)
#   --fetched F    with --repoll-only on LiteDB: re-poll the store F, whose N farm feeds were fetched already (by an
#                  earlier poll --once from the farm given with --farm), instead of importing and fetching them here
#   --together     LiteDB only, with --baseline: the two builds run each scenario at the same time, each on its own
#                  store, instead of in turn, so that both meet the very same load: what judges a change of CPU per
#                  feed. Two identical builds (2026-12-07, 1,000 feeds, 3 reps, load 8-14) differed by +0.03 ± 0.09 ms
#                  per new feed and +0.14 ± 0.23 per 304 run together, against +0.21 ± 2.28 and -0.18 ± 0.20 in turn
#                  (load 6-16): in turn, a cold poll's CPU follows the load of its own half-minute. The wall times are of
#                  two polls sharing the machine and the farm, not comparable to curl's
#   --writes F     LiteDB only: after the reps, one more cold poll of the first F feeds per build under strace (not
#                  timed: strace slows it many times), counting the bytes each build writes per new feed to LiteDB's
#                  log, to its file (checkpoints) and to the other files beside it (the search index); needs strace
#
# Per repetition and build, on a fresh store with the N sources imported (extraction "never"; the stores of the rep
# before removed, every measured run preceded by a sync, each build started once unmeasured before the first rep, and
# each build copied before the first: rebuilding a worktree during the run changes nothing measured):
#   cold:  `poll --once`, every feed new (fetch, parse, ingest, store, index);
#   304:   `poll --once` again, every feed answers 304;
#   start: `poll` with nothing due, three times, the start-up every run above also paid; "net" figures subtract its
#          median in the same rep. With a baseline, the differences this - baseline are given paired by rep, with
#          their standard deviation: the run's noise, which a difference must clear to mean anything.
# CPU is user+sys of the FeedHub process (plus PostgreSQL's backends with --store postgres) divided by N. In each
# repetition curl fetches the same feeds with as many in flight (re-validates them with --repoll-only): the floor whose
# wall time the cold poll (the 304 poll) is given as a ratio of.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=1000 store=litedb in_flight=16 reps=2 baseline="" farm_url="" build=true repoll_only=false fetched="" writes=0 together=false
usage() { sed -n 's/^#   bash tests\/bench\/ingest.sh/usage: bash tests\/bench\/ingest.sh/p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --store) store=${2:?}; shift 2 ;;
    --in-flight) in_flight=${2:?}; shift 2 ;;
    --reps) reps=${2:?}; shift 2 ;;
    --baseline) baseline=${2:?}; shift 2 ;;
    --farm) farm_url=${2:?}; shift 2 ;;
    --no-build) build=false; shift ;;
    --repoll-only) repoll_only=true; shift ;;
    --fetched) fetched=${2:?}; shift 2 ;;
    --writes) writes=${2:?}; shift 2 ;;
    --together) together=true; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "ingest.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $writes =~ ^[0-9]+$ ]] || { echo "ingest.sh: --writes is a count of feeds" >&2; usage; }
if [ "$writes" -gt 0 ]; then
  [ "$store" = litedb ] && ! $repoll_only && command -v strace >/dev/null \
    || { echo "ingest.sh: --writes wants --store litedb, cold polls and strace (apt-get install strace)" >&2; exit 2; }
fi
for n in "$feeds" "$in_flight" "$reps"; do [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "ingest.sh: counts are positive numbers" >&2; usage; }; done
case $store in litedb | postgres) ;; *) echo "ingest.sh: --store is litedb or postgres" >&2; usage ;; esac
[ -z "$baseline" ] || [ -f "$baseline" ] || { echo "ingest.sh: no baseline build at $baseline" >&2; exit 2; }
if $together; then
  [ "$store" = litedb ] && [ -n "$baseline" ] && ! $repoll_only \
    || { echo "ingest.sh: --together wants --store litedb, a --baseline and a store per build (not --repoll-only)" >&2; exit 2; }
fi
if [ -n "$fetched" ]; then
  $repoll_only && [ "$store" = litedb ] && [ -f "$fetched" ] && [ -n "$farm_url" ] \
    || { echo "ingest.sh: --fetched wants --repoll-only, --store litedb, an existing store file and the --farm it was fetched from" >&2; exit 2; }
fi

. tests/bench/farm.sh
for tool in curl node python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "ingest.sh: '$tool' is missing (apt-get install curl nodejs python3 time)" >&2; exit 2; }
done
farm_require ingest.sh "$feeds"

work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-ingest-bench.XXXXXX")"
pids=() databases=() pg_dir=""
cleanup() {
  local pid db
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${#databases[@]}" -gt 0 ] && [ -n "${pg_port:-}" ]; then
    for db in "${databases[@]}"; do psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres >/dev/null 2>&1 || true; done
  fi
  [ -n "$pg_dir" ] && bash tests/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "ingest.sh: $*" >&2; }
ticks=$(getconf CLK_TCK)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

if [ -z "$farm_url" ]; then
  farm_start
fi
farm_url=${farm_url%/}
curl -fs -o /dev/null "$farm_url/feeds/0.xml" || { say "the farm at $farm_url does not serve /feeds/0.xml"; exit 1; }
farm_opml "$feeds" "$work/farm.opml"

if $build; then build_feedhub; fi
name_builds "$baseline"
snapshot_builds

postmaster=""
if [ "$store" = postgres ]; then
  command -v psql >/dev/null || { say "psql is missing (apt-get install postgresql-client)"; exit 2; }
  if [ -z "${FEEDHUB_TEST_POSTGRES:-}" ]; then
    eval "$(bash tests/postgres.sh start)"
    pg_dir="$FEEDHUB_TEST_POSTGRES_DIR"
  fi
  pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$FEEDHUB_TEST_POSTGRES")
  [ -n "${FEEDHUB_TEST_POSTGRES_DIR:-}" ] && [ -r "$FEEDHUB_TEST_POSTGRES_DIR/data/postmaster.pid" ] \
    && postmaster=$(head -1 "$FEEDHUB_TEST_POSTGRES_DIR/data/postmaster.pid")
  [ -z "$postmaster" ] && say "PostgreSQL's own CPU is not counted (set FEEDHUB_TEST_POSTGRES_DIR)"
fi
# CPU seconds (user+sys, with reaped children) of processes; for the postmaster, its backends too.
cpu_of() { for pid in "$@"; do awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || true; done | awk -v t="$ticks" '{s += $1} END {printf "%.3f", s / t}'; }
pg_cpu() { if [ -n "$postmaster" ]; then cpu_of "$postmaster" $(pgrep -P "$postmaster" || true); else echo 0; fi; }

store_env=()
use_store() { # name: a new store, which the runs from now on use
  if [ "$store" = litedb ]; then
    mkdir -p "$work/$1"
  else
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE ingest_$$_$1" postgres
    databases+=("ingest_$$_$1")
  fi
  point_store "$1"
}
point_store() { # name: the store the runs from now on use
  if [ "$store" = litedb ]; then
    store_env=(FeedHub__Storage__Provider=LiteDb "FeedHub__Storage__LiteDb__Path=$work/$1/feedhub.db")
  else
    store_env=(FeedHub__Storage__Provider=Postgres "ConnectionStrings__Postgres=$FEEDHUB_TEST_POSTGRES;Database=ingest_$$_$1")
  fi
}
drop_store() { # name
  if [ "$store" = litedb ]; then
    rm -rf "${work:?}/$1"
  else
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "DROP DATABASE IF EXISTS ingest_$$_$1 WITH (FORCE)" postgres
  fi
}
fh_env=(FeedHub__StarterSources= FeedHub__Fetcher__AllowPrivateNetworks=true
  "FeedHub__Fetcher__MaxConcurrency=$in_flight" "FeedHub__Fetcher__MaxPerHost=$in_flight")
run_feedhub() { # build, out-name, command... -> prints "wall cpu rss failed pg-cpu"
  local build=$1 name=$2 pg_before pg u s e k
  shift 2
  pg_before=$(pg_cpu)
  /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" env "${store_env[@]}" "${fh_env[@]}" dotnet "${dll[$build]}" "$@" \
    >"$work/$name.out" 2>"$work/$name.err" || { say "feedhub $* failed:"; tail -5 "$work/$name.err" >&2; exit 1; }
  read -r e u s k <"$work/$name.time"
  local failed
  failed=$(grep -c '^ *[0-9]* *failed ' "$work/$name.out" || true)
  pg=$(bc <<<"$(pg_cpu) - $pg_before")
  echo "$e $(bc <<<"$u + $s + $pg") $((k / 1024)) $failed $pg"
}

import_farm() { # build, store name[, opml]
  env "${store_env[@]}" "${fh_env[@]}" dotnet "${dll[$1]}" import "${3:-$work/farm.opml}" >"$work/import.out" 2>&1 \
    || { tail -5 "$work/import.out" >&2; exit 1; }
  [ "$store" = postgres ] && word_pairs_index "$pg_port" "ingest_$$_$2"
  return 0
}

scenarios=(cold 304 start)
if $repoll_only; then
  scenarios=(304 start)
  if [ -n "$fetched" ]; then
    store_env=(FeedHub__Storage__Provider=LiteDb "FeedHub__Storage__LiteDb__Path=$fetched")
  else
    use_store shared
    import_farm this shared
    read -r e c m f p < <(run_feedhub this shared-cold poll --once)
    say "the shared store fetched cold (this build): wall ${e} s, ${f} failed"
  fi
fi
# The floor: curl fetching the same feeds (cold, or re-validating them with --repoll-only) with as many in flight, in
# each rep beside the builds.
farm_curl_configs "$feeds" "$work/curl-cold.cfg" "$work/curl-304.cfg"
floor=cold
$repoll_only && floor=304

# Every measured run, one line each: rep, build, position (1: the build went first in its rep), scenario, wall s,
# CPU s (user+sys, PostgreSQL's backends included), of it PostgreSQL's, peak RSS MB, failed polls. The summary is read
# from it.
runs="$work/runs.tsv"
: >"$runs"
measure() { # rep, build, position, scenario, command...
  local rep=$1 build=$2 position=$3 scenario=$4 e c m f p
  shift 4
  # The runs before wrote up to a GB to the disk (a cold poll's store): written back now, not during this run.
  sync
  read -r e c m f p < <(run_feedhub "$build" "$build$rep-$scenario" "$@")
  say "$build rep $rep $scenario: wall ${e} s, CPU ${c} s (PostgreSQL ${p} s), peak RSS ${m} MB, ${f} failed, load $(cut -d' ' -f1 /proc/loadavg)"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$build" "$position" "$scenario" "$e" "$c" "$p" "$m" "$f" >>"$runs"
}
# --together: the same, both builds at once (position 0), each on its store of the rep.
measure_together() { # rep, scenario, command...
  local rep=$1 scenario=$2 build e c m f p
  local -a running=()
  shift 2
  sync
  for build in "${builds[@]}"; do
    point_store "$build$rep"
    run_feedhub "$build" "$build$rep-$scenario" "$@" >"$work/$build.result" &
    running+=($!)
  done
  for build in "${running[@]}"; do wait "$build" || exit 1; done
  for build in "${builds[@]}"; do
    read -r e c m f p <"$work/$build.result"
    say "$build rep $rep $scenario (together): wall ${e} s, CPU ${c} s, peak RSS ${m} MB, ${f} failed, load $(cut -d' ' -f1 /proc/loadavg)"
    printf '%s\t%s\t0\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$build" "$scenario" "$e" "$c" "$p" "$m" "$f" >>"$runs"
  done
}

# Warm-up, not measured: each build imports the feeds into a store of its own and starts once on it (its files and
# the runtime's in the page cache), so that the first run of the first rep does not pay for what every later run finds
# done. (`poll` refuses a store that is not there.)
for build in "${builds[@]}"; do
  saved_env=("${store_env[@]}")
  use_store "warm-$build"
  import_farm "$build" "warm-$build"
  run_feedhub "$build" "warm-$build" poll >/dev/null
  drop_store "warm-$build"
  store_env=("${saved_env[@]}")
done

for rep in $(seq 1 "$reps"); do
  # The builds take turns at going first (baseline, this; this, baseline; ...): under a load that rises or falls
  # during the run, the one always measured first would be favoured or penalised. With an odd number of reps one
  # build goes first once more: the summary shows what going first was worth in the run (position).
  order=("${builds[@]}")
  [ $((rep % 2)) -eq 0 ] && [ "${#builds[@]}" -eq 2 ] && order=("${builds[1]}" "${builds[0]}")
  /usr/bin/time -f '%e %U %S' -o "$work/time" curl --parallel --parallel-max "$in_flight" -K "$work/curl-$floor.cfg" >"$work/curl.out" 2>/dev/null || true
  read -r e u s <"$work/time"
  say "curl rep $rep $floor: wall ${e} s, CPU $(bc <<<"$u + $s") s, HTTP $(sort "$work/curl.out" | uniq -c | tr -s ' \n' ' ')"
  printf '%s\tcurl\t0\t%s\t%s\t%s\t0\t0\t0\n' "$rep" "$floor" "$e" "$(bc <<<"$u + $s")" >>"$runs"
  if $together; then
    for build in "${builds[@]}"; do
      use_store "$build$rep"
      import_farm "$build" "$build$rep"
    done
    for scenario in "${scenarios[@]}"; do
      if [ "$scenario" = start ]; then
        for i in 1 2 3; do measure_together "$rep" start poll; done
      else
        measure_together "$rep" "$scenario" poll --once
      fi
    done
    for build in "${builds[@]}"; do drop_store "$build$rep"; done
    continue
  fi
  position=0
  for build in "${order[@]}"; do
    position=$((position + 1))
    if ! $repoll_only; then
      use_store "$build$rep"
      import_farm "$build" "$build$rep"
    fi
    for scenario in "${scenarios[@]}"; do
      if [ "$scenario" = start ]; then
        # The start-up is subtracted from every figure of the rep: a second or so measured once was the noisiest
        # figure of the run, so it is the median of three.
        for i in 1 2 3; do measure "$rep" "$build" "$position" start poll; done
      else
        measure "$rep" "$build" "$position" "$scenario" poll --once
      fi
    done
    if ! $repoll_only; then
      # Each rep on fresh stores: the ones before go, and with them their pages in the cache.
      drop_store "$build$rep"
    fi
  done
done

# Bytes written per new feed: every write(2)/pwrite64(2) of the process, by the file it went to (strace -y names it),
# the count asked for (a call's end may be printed apart from its start, under another thread's).
declare -A written
if [ "$writes" -gt 0 ]; then
  farm_opml "$writes" "$work/writes.opml"
  for build in "${builds[@]}"; do
    use_store "$build-writes"
    import_farm "$build" "$build-writes" "$work/writes.opml"
    strace -f -qq -s 0 -y -e trace=write,pwrite64 -e signal=none -o "$work/strace" \
      env "${store_env[@]}" "${fh_env[@]}" dotnet "${dll[$build]}" poll --once >"$work/$build-writes.out" 2>&1 \
      || { say "feedhub poll --once under strace failed:"; tail -5 "$work/$build-writes.out" >&2; exit 1; }
    written[$build]=$(awk -v n="$writes" -v db="$work/$build-writes/feedhub" '
      match($0, /(write|pwrite64)\([0-9]+<[^>]*>, ""(\.\.\.)?, [0-9]+/) {
        call = substr($0, RSTART, RLENGTH); path = call; sub(/^[^<]*</, "", path); sub(/>.*$/, "", path)
        bytes = call; sub(/.*, /, "", bytes)
        if (path == db "-log.db") logged += bytes; else if (path == db ".db") file += bytes; else if (index(path, db) == 1) other += bytes
      }
      END { printf "%.2f %.2f %.2f %.1f", logged / n / 1048576, file / n / 1048576, other / n / 1048576, logged / n / 8192 }' "$work/strace")
    say "$build writes of a cold poll of $writes feeds (MB per feed: log, file, other files of the store such as the search index; log pages): ${written[$build]}"
  done
fi

echo
echo "FeedHub ingest benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): $feeds feeds, store $store, $in_flight in flight, $reps reps," \
  "$(nproc) cores, load average $load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 - "$runs" "$feeds" "$floor" "${builds[@]}" <<'PY'
import statistics as st, sys
runs, n, floor, builds = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
rows = [l.rstrip('\n').split('\t') for l in open(runs) if l.strip()]
# (rep, build, scenario) -> [(position, wall, cpu, pg, failed)]
got = {}
for rep, build, pos, scen, wall, cpu, pg, rss, failed in rows:
    got.setdefault((int(rep), build, scen), []).append((int(pos), float(wall), float(cpu), float(pg), int(failed)))
reps = sorted({k[0] for k in got})
scenarios = [s for s in ('cold', '304', 'start') if any(k[2] == s for k in got)]
ms = lambda seconds: 1000 * seconds / n
def start(rep, build):
    return st.median(r[2] for r in got[(rep, build, 'start')])
def net(rep, build, scen):
    """CPU per feed of one run, less the median start-up of the same build in the same rep."""
    return ms(got[(rep, build, scen)][0][2] - start(rep, build))
sd = lambda xs: st.stdev(xs) if len(xs) > 1 else 0.0
print('%-9s %-6s %10s %12s %14s %22s %12s %7s' % ('build', 'poll', 'wall s', 'CPU ms/feed', 'net ms/feed', 'net of each rep', 'of it PG ms', 'failed'))
for b in builds:
    for s in scenarios:
        runs_ = [r for rep in reps for r in got[(rep, b, s)]]
        wall = st.mean(r[1] for r in runs_)
        cpu = st.mean(ms(r[2]) for r in runs_)
        pg = st.mean(ms(r[3]) for r in runs_)
        failed = sum(r[4] for rep in reps for r in got[(rep, b, s)][:1])
        if s == 'start':
            each = ', '.join('%.2f' % ms(start(rep, b)) for rep in reps)
            print('%-9s %-6s %10.2f %12.2f %14s %22s %12.2f %7s' % (b, s, wall, cpu, '-', 'median: ' + each, pg, '-'))
        else:
            nets = [net(rep, b, s) for rep in reps]
            print('%-9s %-6s %10.2f %12.2f %14s %22s %12.2f %7d' % (b, s, wall, cpu, '%.2f ± %.2f' % (st.mean(nets), sd(nets)),
                                                               ', '.join('%.2f' % x for x in nets), pg, failed))
curl = [got[(rep, 'curl', floor)][0] for rep in reps]
print('%-9s %-6s %10.2f %12.2f %14s %22s %12s %7s' % ('curl', floor, st.mean(r[1] for r in curl), st.mean(ms(r[2]) for r in curl), '-', '-', '-', '-'))
for b in builds:
    print('%s: %s wall %.2fx curl' % (b, floor, st.mean(got[(rep, b, floor)][0][1] for rep in reps) / st.mean(r[1] for r in curl)))
if len(builds) == 2:
    base, this = builds
    print('this - baseline, net ms/feed, paired by rep (mean ± standard deviation of the differences; each rep):')
    for s in scenarios:
        if s == 'start':
            d = [ms(start(rep, this) - start(rep, base)) for rep in reps]
        else:
            d = [net(rep, this, s) - net(rep, base, s) for rep in reps]
        print('  %-6s %+.2f ± %.2f   (%s)' % (s, st.mean(d), sd(d), ', '.join('%+.2f' % x for x in d)))
    # What going second in a rep was worth, whichever the build: a difference this large between identical builds
    # (--baseline this build) is the run's bias, not the code's.
    if all(got[(rep, b, s)][0][0] == 0 for rep in reps for b in builds for s in scenarios):
        sys.exit()  # --together: no build went first
    print('second - first in a rep, net ms/feed, either build:')
    for s in scenarios:
        if s == 'start':
            continue
        d = []
        for rep in reps:
            first = [b for b in builds if got[(rep, b, s)][0][0] == 1][0]
            second = [b for b in builds if got[(rep, b, s)][0][0] == 2][0]
            d.append(net(rep, second, s) - net(rep, first, s))
        print('  %-6s %+.2f ± %.2f   (%s)' % (s, st.mean(d), sd(d), ', '.join('%+.2f' % x for x in d)))
PY
if [ "$writes" -gt 0 ]; then
  printf '%-9s %-26s %10s %10s %14s %14s\n' build "writes per new feed" "log MB" "file MB" "other MB" "log pages"
  for build in "${builds[@]}"; do
    read -r l f o p <<<"${written[$build]}"
    printf '%-9s %-26s %10s %10s %14s %14s\n' "$build" "cold, $writes feeds, strace" "$l" "$f" "$o" "$p"
  done
fi
echo "(CPU: user+sys$([ -n "$postmaster" ] && echo ", PostgreSQL's backends included (of it PG: theirs alone)"); net: less the same rep's start-up (poll with nothing due, median of three); figures are means of the reps)"
