#!/usr/bin/env bash
# Re-poll benchmark: what a worker (`serve`) spends on a poll answered 304, the steady state of a server whose feeds
# have not changed, on PostgreSQL (default) or LiteDB. N farm feeds (../shared/tools/farm) are imported and fetched once (`poll --once`), then
# a worker polls them every interval; after two and a half intervals of warm-up, a window is measured. Optionally a second build
# (--baseline) is measured the same way in the same run, the two taking turns at going first.
#
#   bash tests/bench/repoll.sh [--feeds N] [--interval S] [--window S] [--reps R] [--baseline path/to/feedhub.dll]
#                              [--out DIR] [--no-build] [--store postgres|litedb]
#
#   --feeds N      feeds (default 150), each polled every --interval seconds (default 60)
#   --window S     seconds measured per repetition and build (default 120)
#   --reps R       repetitions per build (default 1)
#   --baseline D   another build's feedhub.dll, measured beside this worktree's Release build
#   --out DIR      where each window's statements (pg_stat_statements, by calls) are written (default: a temporary
#                  folder, removed at the end)
#   --no-build     use the Release build as it is (it must exist)
#   --store        postgres (default) or litedb (a file per window; no statements, the worker's CPU alone)
#
# Per window: polls (the farm's 304 answers), statements per poll from pg_stat_statements split into Quartz's (its
# qrtz_ tables), transaction control (BEGIN, COMMIT, ...) and FeedHub's own, PostgreSQL's execution time per poll,
# and CPU per poll (user+sys) of the worker and of PostgreSQL's processes. Statement counts do not depend on the
# machine's load; CPU does, so compare builds within one run.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=150 interval=60 window=120 reps=1 baseline="" out="" build=true store=postgres
usage() { sed -n 's/^#   bash tests\/bench\/repoll.sh/usage: bash tests\/bench\/repoll.sh/p' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --interval) interval=${2:?}; shift 2 ;;
    --window) window=${2:?}; shift 2 ;;
    --reps) reps=${2:?}; shift 2 ;;
    --baseline) baseline=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --no-build) build=false; shift ;;
    --store) store=${2:?}; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "repoll.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
for n in "$feeds" "$interval" "$window" "$reps"; do [[ $n =~ ^[0-9]+$ ]] && [ "$n" -gt 0 ] || { echo "repoll.sh: counts are positive numbers" >&2; usage; }; done
[ -z "$baseline" ] || [ -f "$baseline" ] || { echo "repoll.sh: no baseline build at $baseline" >&2; exit 2; }
case $store in postgres | litedb) ;; *) echo "repoll.sh: --store is postgres or litedb" >&2; usage ;; esac

. tests/bench/farm.sh
for tool in curl node python3 psql bc; do
  command -v "$tool" >/dev/null || { echo "repoll.sh: '$tool' is missing (apt-get install curl nodejs python3 postgresql-client bc)" >&2; exit 2; }
done
farm_require repoll.sh "$feeds"

work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-repoll-bench.XXXXXX")"
[ -n "$out" ] && mkdir -p "$out"
pids=() pg_dir=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$pg_dir" ] && bash tests/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "repoll.sh: $*" >&2; }
ticks=$(getconf CLK_TCK)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

farm_start
farm_opml "$feeds" "$work/farm.opml"

if $build; then build_feedhub; fi
name_builds "$baseline"
# Each build copied once: its windows are minutes apart, and a worktree built again meanwhile changed its build between them.
snapshot_builds

# CPU seconds (user+sys) of processes; for the postmaster, its children too.
cpu_of() { for pid in "$@"; do awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || true; done | awk -v t="$ticks" '{s += $1} END {printf "%.3f", s / t}'; }
pg_cpu() { echo 0; }
if [ "$store" = postgres ]; then
  # A server of its own: pg_stat_statements must be loaded at start.
  eval "$(bash tests/postgres.sh start)"
  pg_dir="$FEEDHUB_TEST_POSTGRES_DIR"
  pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$FEEDHUB_TEST_POSTGRES")
  sql() { psql -qAtX -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
  sql -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" postgres
  bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$bin/pg_ctl" -D "$pg_dir/data" -w restart >/dev/null; else "$bin/pg_ctl" -D "$pg_dir/data" -w restart >/dev/null; fi
  postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
  sql -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements" postgres
  pg_cpu() { cpu_of "$postmaster" $(pgrep -P "$postmaster" || true); }
fi
farm_stat() { curl -fs "$farm_url/stats" | python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

every=$(printf '00:%02d:%02d' $((interval / 60)) $((interval % 60)))
[ "$interval" -lt 3600 ] || { say "--interval is under an hour"; exit 2; }
fh_env=(FeedHub__StarterSources= FeedHub__Fetcher__AllowPrivateNetworks=true FeedHub__Roles=worker
  "FeedHub__Polling__MinInterval=$every" "FeedHub__Polling__MaxInterval=$every" "FeedHub__Polling__DefaultInterval=$every"
  Logging__LogLevel__Default=Warning)

report=()
for rep in $(seq 1 "$reps"); do
  order=("${builds[@]}")
  [ $((rep % 2)) -eq 0 ] && [ "${#builds[@]}" -eq 2 ] && order=("${builds[1]}" "${builds[0]}")
  for b in "${order[@]}"; do
    db="repoll_$$_$b$rep"
    if [ "$store" = postgres ]; then
      sql -c "CREATE DATABASE $db" postgres
      store_env=(FeedHub__Storage__Provider=Postgres "ConnectionStrings__Postgres=$FEEDHUB_TEST_POSTGRES;Database=$db")
    else
      store_env=(FeedHub__Storage__Provider=LiteDb "FeedHub__Storage__LiteDb__Path=$work/$db/feedhub.db")
    fi
    env "${store_env[@]}" "${fh_env[@]}" dotnet "${dll[$b]}" import "$work/farm.opml" >"$work/import.out" 2>&1 \
      || { tail -5 "$work/import.out" >&2; exit 1; }
    [ "$store" = postgres ] && word_pairs_index "$pg_port" "$db"
    env "${store_env[@]}" "${fh_env[@]}" dotnet "${dll[$b]}" poll --once >"$work/cold.out" 2>&1 \
      || { tail -5 "$work/cold.out" >&2; exit 1; }
    env "${store_env[@]}" "${fh_env[@]}" "FeedHub__Urls=http://127.0.0.1:$(free_port)" dotnet "${dll[$b]}" serve \
      >"$work/serve-$b$rep.out" 2>&1 &
    worker=$!
    pids+=("$worker")
    # Warm-up: the first worker poll of each source puts its trigger on the source's slots, which the poll after it
    # may move once more (a trigger first queued off a slot repeats at the wrong gap); after that a 304 writes nothing.
    warm=$((interval * 5 / 2 + 15))
    say "$b rep $rep: worker $worker warming up for $warm s"
    sleep "$warm"
    kill -0 "$worker" 2>/dev/null || { say "the worker stopped:"; tail -20 "$work/serve-$b$rep.out" >&2; exit 1; }
    [ "$store" = postgres ] && sql -c "SELECT pg_stat_statements_reset()" postgres >/dev/null
    curl -fs -o /dev/null "$farm_url/stats/reset"
    fh0=$(cpu_of "$worker") pg0=$(pg_cpu)
    sleep "$window"
    fh1=$(cpu_of "$worker") pg1=$(pg_cpu)
    polls=$(farm_stat s304) fetched=$(farm_stat s200)
    statements="$work/statements-$b$rep.txt"
    if [ "$store" = postgres ]; then
      dbid=$(sql -c "SELECT oid FROM pg_database WHERE datname = '$db'" postgres)
      sql -F $'\t' -c "SELECT calls, round(total_exec_time::numeric, 2), regexp_replace(query, '\s+', ' ', 'g')
                       FROM pg_stat_statements WHERE dbid = $dbid ORDER BY calls DESC, query" postgres >"$statements"
      [ -n "$out" ] && cp "$statements" "$out/"
    else
      : >"$statements" # LiteDB: no statements; the figures are the worker's CPU alone
    fi
    kill "$worker"
    wait "$worker" 2>/dev/null || true
    [ "$polls" -gt 0 ] || { say "$b rep $rep: no poll answered 304 in the window"; exit 1; }
    line=$(awk -F'\t' -v b="$b" -v r="$rep" -v p="$polls" -v f="$fetched" -v fh="$(bc <<<"$fh1 - $fh0")" -v pg="$(bc <<<"$pg1 - $pg0")" '
      { q = tolower($3); kind = q ~ /qrtz_/ ? "quartz" : q ~ /^(begin|commit|rollback|discard|start transaction)/ ? "tx" : "own"
        n[kind] += $1; t[kind] += $2; all += $1; time += $2 }
      END { printf "%-9s %3d %6d %4d %9.1f %8.1f %6.1f %8.1f %10.2f %9.2f %9.2f %9.2f\n", b, r, p, f, all / p, n["quartz"] / p, n["tx"] / p, n["own"] / p,
              time / p, 1000 * (fh + pg) / p, 1000 * fh / p, 1000 * pg / p }' "$statements")
    say "$line"
    report+=("$line")
    if [ "$store" = postgres ]; then sql -c "DROP DATABASE $db WITH (FORCE)" postgres; else rm -rf "${work:?}/$db"; fi
  done
done

echo
echo "FeedHub re-poll benchmark (worker on $store), $(date -u '+%Y-%m-%d %H:%M UTC'): $feeds feeds every $interval s, windows of $window s," \
  "$(nproc) cores, load average $load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%-9s %3s %6s %4s %9s %8s %6s %8s %10s %9s %9s %9s\n' build rep "304s" 200s "stmts/p" quartz tx own "PG ms/p" "CPU ms/p" "worker" "PG"
printf '%s\n' "${report[@]}"
echo "(per poll answered 304 in the window; statements from pg_stat_statements; CPU user+sys of the worker and of PostgreSQL's processes)"
