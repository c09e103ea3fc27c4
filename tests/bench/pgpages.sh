#!/usr/bin/env bash
# Warm pages on the PostgreSQL store: this build beside another (--baseline) in the same run, on one store of N farm
# feeds polled once. Each round starts a web-only server of each build in turn on that store, asks /, /digest,
# /feed.atom and an article page once (cold), then R times each on one connection (warm), and prints for each page
# and build: p50/p99 of the warm requests, the statements PostgreSQL ran per warm request (pg_stat_statements, on a
# server of this script's own started with it) and the CPU per warm request of the FeedHub process and of
# PostgreSQL's backends.
#
#   bash tests/bench/pgpages.sh [--feeds N] [--requests R] [--rounds K] [--baseline path/to/feedhub.dll]
#
#   --feeds N      farm feeds polled into the store (default 2000, 40,000 articles)
#   --requests R   warm requests of each page per server (default 300)
#   --rounds K     servers started per build (default 2; the builds take turns at going first)
#   --baseline D   another build's feedhub.dll, measured beside this one on the same store (this build migrates it)
# Needs curl, node, python3, psql and Debian's postgresql (its pg_stat_statements). Everything binds 127.0.0.1 and
# is stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=2000 requests=300 rounds=2 baseline=""
usage() { grep -m1 '^#   bash tests/bench/pgpages.sh' "$0" | sed 's/^#   /usage: /' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --requests) requests=${2:?}; shift 2 ;;
    --rounds) rounds=${2:?}; shift 2 ;;
    --baseline) baseline=${2:?}; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "pgpages.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -z "$baseline" ] || [ -f "$baseline" ] || { echo "pgpages.sh: no baseline build at $baseline" >&2; exit 2; }

. tests/bench/farm.sh
for tool in curl node python3 psql; do
  command -v "$tool" >/dev/null || { echo "pgpages.sh: '$tool' is missing" >&2; exit 2; }
done
farm_require pgpages.sh "$feeds"

work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-pgpages-bench.XXXXXX")"
pids=()   # every process started here, stopped by pid at the end
pg_dir="" # the PostgreSQL server started here
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$pg_dir" ] && bash tests/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "pgpages.sh: $*" >&2; }
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
ticks=$(getconf CLK_TCK)

build_feedhub
name_builds "$baseline"

# --- PostgreSQL of our own, with pg_stat_statements (loaded at start: one restart) ---------------------------------
say "starting PostgreSQL"
pg_start_own
sql -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'" postgres
pg_bin=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -1)")
if [ "$(id -u)" -eq 0 ]; then
  runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -w restart >/dev/null
else
  "$pg_bin/pg_ctl" -D "$pg_dir/data" -w restart >/dev/null
fi
db=pgpages
sql -c "CREATE DATABASE $db" postgres
sql -c "CREATE EXTENSION pg_stat_statements" postgres # read from here, for every database
store_env=(FeedHub__Storage__Provider=Postgres "ConnectionStrings__Postgres=$FEEDHUB_TEST_POSTGRES;Database=$db"
  FeedHub__StarterSources= FeedHub__Fetcher__AllowPrivateNetworks=true FeedHub__Fetcher__MaxConcurrency=16 FeedHub__Fetcher__MaxPerHost=16)

# --- the store: N farm feeds imported and polled once by this build ------------------------------------------------
farm_start
farm_opml "$feeds" "$work/farm.opml"
say "importing and polling $feeds feeds"
env "${store_env[@]}" dotnet "${dll[this]}" import "$work/farm.opml" >"$work/import.log" 2>&1 || { tail -5 "$work/import.log" >&2; exit 1; }
word_pairs_index "$pg_port" "$db"
env "${store_env[@]}" dotnet "${dll[this]}" poll --once >"$work/poll.log" 2>&1 || { tail -5 "$work/poll.log" >&2; exit 1; }
articles=$(sql -c "SELECT count(*) FROM articles" "$db")
scopes=$(sql -c "SELECT count(*) FROM content_versions" "$db")
say "$articles articles, $scopes content versions"

# --- measuring ----------------------------------------------------------------------------------------------------
pct() { sort -n | awk -v p="$1" '{v[NR] = $1} END { if (NR == 0) { print "-"; exit } i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.2f", 1000 * v[i] }'; }
cpu_of() { for pid in "$@"; do awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || true; done | awk -v t="$ticks" '{s += $1} END {printf "%.3f", s / t}'; }
postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
pg_cpu() { cpu_of "$postmaster" $(pgrep -P "$postmaster" || true); }
statements() { sql -c "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$db'" postgres; }
repeat_cfg() { # url, count -> a curl config fetching url count times on one connection
  local i
  for i in $(seq 1 "$2"); do printf 'url = "%s"\noutput = "/dev/null"\nmax-time = 60\nwrite-out = "%%{http_code} %%{time_total}\\n"\n' "$1"; done
}
# An article page: one of the river's first page, whose links to the newer and older stories are in the river too.
paths=(/ /digest /feed.atom "/articles/$(sql -c "SELECT id FROM articles ORDER BY sort_date DESC, id DESC LIMIT 1 OFFSET 10" "$db")")
declare -A fh_cpu pg_cpu_used statement_count codes
for round in $(seq 1 "$rounds"); do
  order=("${builds[@]}")
  [ $((round % 2)) = 0 ] && [ "${#builds[@]}" = 2 ] && order=("${builds[1]}" "${builds[0]}")
  for build in "${order[@]}"; do
    say "round $round: $build"
    port=$(free_port)
    env "${store_env[@]}" FeedHub__Roles=web FeedHub__Urls="http://127.0.0.1:$port" \
      dotnet "${dll[$build]}" serve >"$work/serve-$build.out" 2>"$work/serve-$build.err" &
    serve_pid=$!
    pids+=("$serve_pid")
    for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null || { say "$build did not get ready:"; tail -5 "$work/serve-$build.err" >&2; exit 1; }
    for path in "${paths[@]}"; do
      curl -s -o /dev/null --max-time 120 "http://127.0.0.1:$port$path" # cold: rendered and kept
      repeat_cfg "http://127.0.0.1:$port$path" "$requests" >"$work/warm.cfg"
      sql -c "SELECT pg_stat_statements_reset()" postgres >/dev/null
      fh0=$(cpu_of "$serve_pid") pg0=$(pg_cpu) st0=$(statements)
      curl -s -K "$work/warm.cfg" >"$work/out" || true
      fh1=$(cpu_of "$serve_pid") pg1=$(pg_cpu) st1=$(statements)
      awk '{print $2}' "$work/out" >>"$work/times-$build-${path//\//_}"
      codes[$build$path]="${codes[$build$path]:-} $(awk '{print $1}' "$work/out" | sort | uniq -c | awk '{printf "%s×%s", $1, $2}')"
      fh_cpu[$build$path]=$(awk -v a="${fh_cpu[$build$path]:-0}" -v d="$(bc <<<"$fh1 - $fh0")" 'BEGIN {print a + d}')
      pg_cpu_used[$build$path]=$(awk -v a="${pg_cpu_used[$build$path]:-0}" -v d="$(bc <<<"$pg1 - $pg0")" 'BEGIN {print a + d}')
      statement_count[$build$path]=$(( ${statement_count[$build$path]:-0} + st1 - st0 ))
      if [ "$round" = 1 ]; then
        say "  $build $path: statements run most over its warm requests:"
        sql -c "SELECT calls || '  ' || left(regexp_replace(query, '\s+', ' ', 'g'), 150) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$db' ORDER BY calls DESC LIMIT 3" postgres | sed 's/^/    /' >&2
      fi
    done
    kill "$serve_pid"
    wait "$serve_pid" 2>/dev/null || true
  done
done

total=$((requests * rounds))
echo "pgpages.sh: $articles articles of $feeds feeds, $scopes content versions; $total warm requests of each page per build ($rounds servers × $requests, one connection); load average at start $load_at_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-15s %-9s %17s %16s %20s  %s\n' page build "p50 / p99" "statements/req" "CPU ms/req FH + PG" "HTTP"
for path in "${paths[@]}"; do
  for build in "${builds[@]}"; do
    times="$work/times-$build-${path//\//_}"
    printf '%-15s %-9s %17s %16s %20s  %s\n' "$path" "$build" "$(pct 50 <"$times") / $(pct 99 <"$times") ms" \
      "$(awk -v s="${statement_count[$build$path]}" -v n="$total" 'BEGIN {printf "%.2f", s / n}')" \
      "$(awk -v f="${fh_cpu[$build$path]}" -v p="${pg_cpu_used[$build$path]}" -v n="$total" 'BEGIN {printf "%.3f + %.3f", 1000 * f / n, 1000 * p / n}')" \
      "${codes[$build$path]# }"
  done
done
