#!/usr/bin/env bash
# Scale benchmark: FeedHub polling N farm feeds (../shared/tools/farm: 20 items of 28-60 KB each, 50-200 ms latency)
# beside curl fetching the same feeds with the same number of requests in flight, and its pages beside nginx serving
# the same bytes, all in one run. Prints one line per scenario: the floor, FeedHub's figure and their ratio.
#
#   bash tests/bench/scale.sh [--feeds N] [--store litedb|postgres] [--farm http://127.0.0.1:PORT] [--idle SECONDS]
#                             [--articles N] [--serve-only]
#
#   --feeds N      feeds to poll (default 10000; the farm is generated under $FARM the first time, ~1 min per 2,000)
#   --store        litedb (default; files in a temp dir) or postgres (uses $FEEDHUB_TEST_POSTGRES when set, else
#                  starts a throwaway server with tests/postgres.sh; a database per scenario, dropped at the end)
#   --farm URL     use a running farm (node farm_server.js or nginx) serving the files of $FARM, instead of starting
#                  one (its /stats counters are reset when it has them)
#   --idle S       how long the server stays idle after its round before its idle RSS is read (default 60)
#   --articles N   the serve round and the pages run on a store already holding N articles (N/100 sources of their
#                  own, over 2025) besides the feeds polled: a million-article store read while 10,000 feeds are polled.
#                  Seeded once by the navigation benchmark (tests/FeedHub.Benchmarks) and kept under $NAVIGATION_DATA
#                  (default /tmp/feedhub-navigation-bench, shared with `navigation` and `pages`), its search index built
#                  once by a web-only server; each run polls into a copy. LiteDB only.
#   --serve-only   skip the `poll --once` rounds and the faults (curl's cold poll at 16 in flight is still the floor)
#
# Scenarios (Release build of src/FeedHub; every FeedHub process gets the in-flight count as both
# FeedHub:Fetcher:MaxConcurrency and MaxPerHost, since the farm is one host):
#   cold poll at 16 and at 256 in flight: `feedhub poll --once` on a fresh store with the N sources imported,
#       beside one `curl --parallel --parallel-max P --compressed` over the same URLs (wall time, CPU, max RSS);
#   re-poll, all 304: `feedhub poll --once` again on the store of the poll at 16, beside curl sending each feed's
#       ETag in If-None-Match;
#   start-up: `feedhub poll` with nothing due (start, open the store, list the sources), subtracted in "net" figures;
#   faults: the cold poll at 16 in flight again, beside curl, from a farm server where 5% of the feeds fail
#       (500/503/404/410) and 1% answer 5 s late (failures counted, the commonest one named);
#   CPU per feed: user+sys of the process (and of PostgreSQL's backends with --store postgres) / feeds;
#   serve: `feedhub serve` on a fresh store polls the N sources at 16 in flight while one reader requests
#       /, /digest and /feed.atom in turn (p50/p99 under polling); peak RSS (VmHWM) of the round, RSS when idle;
#   pages on that store, from a web-only server started on it: its first request of /, /digest and /feed.atom (cold),
#       then 200 requests each on one connection (warm p50/p99), beside nginx serving the same bytes; a cold render of
#       /?source=K for 20 sources; the server's RSS at start and after the pages.
# Sources are imported with extraction "never": FeedHub fetches the feeds only, as curl does.
# Needs curl, node, nginx (Debian nginx-light), python3, /usr/bin/time; psql for --store postgres.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=10000 store=litedb farm_url="" idle_seconds=60 seed_articles=0 serve_only=false
usage() { grep -m1 '^#   bash tests/bench/scale.sh' "$0" | sed 's/^#   /usage: /' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --store) store=${2:?}; shift 2 ;;
    --farm) farm_url=${2:?}; shift 2 ;;
    --idle) idle_seconds=${2:?}; shift 2 ;;
    --articles) seed_articles=${2:?}; shift 2 ;;
    --serve-only) serve_only=true; shift ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "scale.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $feeds =~ ^[0-9]+$ ]] && [ "$feeds" -gt 0 ] || { echo "scale.sh: --feeds wants a positive number" >&2; usage; }
case $store in litedb | postgres) ;; *) echo "scale.sh: --store is litedb or postgres" >&2; usage ;; esac
[[ $seed_articles =~ ^[0-9]+$ ]] || { echo "scale.sh: --articles wants a number" >&2; usage; }
[ "$seed_articles" -gt 0 ] && [ "$store" != litedb ] && { echo "scale.sh: --articles is for --store litedb only" >&2; usage; }
[ "$seed_articles" = 0 ] || [ "$seed_articles" -ge 1000 ] || { echo "scale.sh: --articles wants at least 1000" >&2; usage; }

. tests/bench/farm.sh
for tool in curl node nginx python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "scale.sh: '$tool' is missing (apt-get install curl nodejs nginx-light python3 time)" >&2; exit 2; }
done
farm_require scale.sh "$feeds"

work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-scale-bench.XXXXXX")"
chmod 755 "$work" # nginx's workers run as an unprivileged user
pids=()        # every process started here, stopped by pid at the end
databases=()   # PostgreSQL databases created here
pg_dir=""      # the PostgreSQL server started here, if any
nginx_pid_file=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -n "$nginx_pid_file" ] && [ -f "$nginx_pid_file" ] && kill "$(cat "$nginx_pid_file")" 2>/dev/null || true
  if [ "${#databases[@]}" -gt 0 ] && [ -n "${pg_port:-}" ]; then
    for db in "${databases[@]}"; do psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" postgres >/dev/null 2>&1 || true; done
  fi
  [ -n "$pg_dir" ] && bash tests/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
ticks=$(getconf CLK_TCK)
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)
say() { echo "scale.sh: $*" >&2; }

# --- the farm -------------------------------------------------------------------------------------------------------
if [ -z "$farm_url" ]; then
  farm_start
  farm_desc="farm_server.js, 50-200 ms latency"
else
  farm_url=${farm_url%/}
  farm_desc="running farm at $farm_url"
fi
curl -fs -o /dev/null "$farm_url/feeds/0.xml" || { say "the farm at $farm_url does not serve /feeds/0.xml"; exit 1; }
farm_has_stats=false
curl -fs "$farm_url/stats" >/dev/null 2>&1 && farm_has_stats=true

seq 0 $((feeds - 1)) | sed "s|.*|$farm_url/feeds/&.xml|" >"$work/urls.txt"
farm_opml "$feeds" "$work/farm.opml"
farm_curl_configs "$feeds" "$work/curl-cold.cfg" "$work/curl-304.cfg"

# --- FeedHub and its stores ---------------------------------------------------------------------------------------
build_feedhub
# Measured from a copy taken now (snapshot_builds): the worktree built again during the run changes nothing measured.
builds=(this)
declare -A dll=([this]=src/FeedHub/bin/Release/net10.0/feedhub.dll)
snapshot_builds
feedhub=${dll[this]}

postmaster=""
if [ "$store" = postgres ]; then
  command -v psql >/dev/null || { say "psql is missing (apt-get install postgresql-client)"; exit 2; }
  if [ -z "${FEEDHUB_TEST_POSTGRES:-}" ]; then
    eval "$(bash tests/postgres.sh start)"
    pg_dir="$FEEDHUB_TEST_POSTGRES_DIR"
  fi
  pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$FEEDHUB_TEST_POSTGRES")
  # PostgreSQL's CPU counts in FeedHub's CPU per feed; on a server we did not start, other clients' work counts too.
  pg_data_dir="${FEEDHUB_TEST_POSTGRES_DIR:-}"
  [ -n "$pg_data_dir" ] && [ -r "$pg_data_dir/data/postmaster.pid" ] && postmaster=$(head -1 "$pg_data_dir/data/postmaster.pid")
  [ -z "$postmaster" ] && say "PostgreSQL's own CPU is not counted (its data directory is unknown: set FEEDHUB_TEST_POSTGRES_DIR)"
  [ -n "$postmaster" ] && [ -z "$pg_dir" ] && say "PostgreSQL is shared: its CPU figures include other clients' work"
fi

# CPU seconds (user+sys) of processes so far; for the postmaster, its backends (also those that ended).
cpu_of() { for pid in "$@"; do awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || true; done | awk -v t="$ticks" '{s += $1} END {printf "%.2f", s / t}'; }
pg_cpu() { if [ -n "$postmaster" ]; then cpu_of "$postmaster" $(pgrep -P "$postmaster" || true); else echo 0; fi; }

store_env=()
use_store() { # name: a fresh, empty store for one scenario
  if [ "$store" = litedb ]; then
    mkdir -p "$work/$1"
    # The serve round's store holds the seeded articles first, with --articles.
    [ "$1" = serve ] && [ "$seed_articles" -gt 0 ] && cp -r "$seed_dir/feedhub.db" "$seed_dir/feedhub.search" "$work/$1/"
    store_env=(FeedHub__Storage__Provider=LiteDb "FeedHub__Storage__LiteDb__Path=$work/$1/feedhub.db")
  else
    local db="scale_$$_$1"
    psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE $db" postgres
    databases+=("$db")
    store_env=(FeedHub__Storage__Provider=Postgres "ConnectionStrings__Postgres=$FEEDHUB_TEST_POSTGRES;Database=$db")
  fi
}
fh_env() { # in-flight -> environment of a FeedHub process
  echo FeedHub__StarterSources= FeedHub__Fetcher__AllowPrivateNetworks=true \
    "FeedHub__Fetcher__MaxConcurrency=$1" "FeedHub__Fetcher__MaxPerHost=$1"
}
import_sources() { # name [opml]
  local start
  start=$(now)
  env "${store_env[@]}" $(fh_env 16) dotnet "$feedhub" import "${2:-$work/farm.opml}" >"$work/import.log" 2>&1 \
    || { tail -5 "$work/import.log" >&2; exit 1; }
  [ "$store" = postgres ] && word_pairs_index "$pg_port" "${databases[-1]}"
  say "$1: imported $feeds sources in $(printf '%.1f' "$(bc <<<"$(now) - $start")") s"
}

# seed_store: $seed_dir holds a LiteDB store of $seed_articles articles with its search index built (made once, kept).
seed_store() {
  local data=${NAVIGATION_DATA:-/tmp/feedhub-navigation-bench} bench=tests/FeedHub.Benchmarks/bin/Release/net10.0/FeedHub.Benchmarks.dll port
  seed_dir="$data/litedb-$seed_articles"
  # The mark names what the seed holds (NavigationBenchmark.SeededMark): an older seed, whose sources were due, is made again.
  if [ "$(cat "$seed_dir/seeded" 2>/dev/null)" != "sources not due" ]; then
    say "seeding $seed_articles articles (navigation benchmark, once; kept in $seed_dir)"
    dotnet build -c Release tests/FeedHub.Benchmarks >"$work/build-bench.log" 2>&1 || { tail -20 "$work/build-bench.log" >&2; exit 1; }
    dotnet "$bench" navigation --articles "$seed_articles" --stores litedb --samples 1 --data "$data" >"$work/seed.log" 2>&1 \
      || { tail -20 "$work/seed.log" >&2; exit 1; }
    rm -f "$seed_dir/indexed"
  fi
  if [ ! -f "$seed_dir/indexed" ]; then
    # Seeded without its search index: a server opening it rebuilds it in the background; searches answer 503 until then.
    say "building the seeded store's search index (once)"
    port=$(free_port)
    env FeedHub__Storage__Provider=LiteDb "FeedHub__Storage__LiteDb__Path=$seed_dir/feedhub.db" $(fh_env 16) FeedHub__Roles=web \
      FeedHub__Urls="http://127.0.0.1:$port" dotnet "$feedhub" serve >"$work/index.out" 2>"$work/index.err" &
    local index_pid=$!
    pids+=("$index_pid")
    while [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/?q=bench" || true)" != 200 ]; do
      kill -0 "$index_pid" 2>/dev/null || { say "the server building the index died:"; tail -20 "$work/index.err" >&2; exit 1; }
      sleep 5
    done
    kill "$index_pid"; wait "$index_pid" 2>/dev/null || true
    touch "$seed_dir/indexed"
  fi
}

# --- measuring --------------------------------------------------------------------------------------------------
# Each measurement leaves: wall (s), cpu (s, user+sys; PostgreSQL's added for FeedHub), rss (MB), what (summary).
wall=0 cpu=0 rss=0 what=""
measure_curl() { # config, in-flight
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" curl --parallel --parallel-max "$2" -K "$1" 2>/dev/null \
    | sort | uniq -c | awk '{printf "%s%s×%s", (NR > 1 ? " " : ""), $1, $2}' >"$work/codes" || true
  read -r wall u s k <"$work/time"
  cpu=$(bc <<<"$u + $s"); rss=$((k / 1024)); what="HTTP $(cat "$work/codes")"
}
measure_feedhub() { # in-flight, command...
  local in_flight=$1 pg_before u s k
  shift
  pg_before=$(pg_cpu)
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" env "${store_env[@]}" $(fh_env "$in_flight") \
    dotnet "$feedhub" "$@" >"$work/out" 2>"$work/err" || { say "feedhub $* failed:"; tail -5 "$work/err" >&2; exit 1; }
  read -r wall u s k <"$work/time"
  cpu=$(bc <<<"$u + $s + $(pg_cpu) - $pg_before"); rss=$((k / 1024))
  what=$(grep '^polled ' "$work/out" | sed 's/^polled //' || true)
  local updated not_modified failure
  updated=$(grep -c '^ *[0-9]* *updated ' "$work/out" || true); not_modified=$(grep -c '^ *[0-9]* *notmodified ' "$work/out" || true)
  [ -n "$what" ] && what="$what; $updated updated, $not_modified not modified"
  # The commonest failure, without the feed's own address.
  failure=$(sed "s|$farm_url/feeds/[0-9]*.xml|FEED|g" "$work/out" | sed -n 's/^ *[0-9]* *failed *[^:]*: //p' | sort | uniq -c | sort -rn | head -1 | sed 's/^ *//')
  [ -n "$failure" ] && what="$what; commonest failure: $failure"
  return 0
}

rows=()
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else print "-" }'; }
row() { # scenario, floor, feedhub, ratio, note
  rows+=("$(printf '%-48s %17s %17s %8s  %s' "$1" "$2" "$3" "$4" "$5")")
  echo "  ${rows[-1]}" >&2
}
ms_per_feed() { awk -v c="$1" -v n="$feeds" 'BEGIN { printf "%.2f", 1000 * c / n }'; }

if $serve_only; then
  say "curl, 16 in flight (the serve round's floor)"
  measure_curl "$work/curl-cold.cfg" 16
  c16_wall=$wall
  row "cold poll, 16 in flight (wall), curl alone" "${wall} s" "-" "-" "curl: $what (--serve-only: no poll --once rounds)"
else
# --- polling: curl and FeedHub at 16 and 256 in flight ------------------------------------------------------------
declare -A fh_cpu
for in_flight in 16 256; do
  use_store "cold$in_flight"
  import_sources "cold$in_flight"
  say "curl, $in_flight in flight"
  measure_curl "$work/curl-cold.cfg" "$in_flight"
  c_wall=$wall c_cpu=$cpu c_rss=$rss c_what=$what
  say "FeedHub poll --once, $in_flight in flight"
  measure_feedhub "$in_flight" poll --once
  fh_cpu[$in_flight]=$cpu
  [ "$in_flight" = 16 ] && store_cold16=("${store_env[@]}")
  row "cold poll, $in_flight in flight (wall)" "${c_wall} s" "${wall} s" "$(ratio "$wall" "$c_wall")" "curl: $c_what; FeedHub: $what"
  row "  CPU per feed" "$(ms_per_feed "$c_cpu") ms" "$(ms_per_feed "$cpu") ms" "$(ratio "$cpu" "$c_cpu")" "user+sys / $feeds feeds$([ -n "$postmaster" ] && echo ", PostgreSQL included")"
  row "  peak RSS (VmHWM)" "${c_rss} MB" "${rss} MB" "$(ratio "$rss" "$c_rss")" "poll --once process"
done

say "curl, 256 in flight, with validators"
measure_curl "$work/curl-304.cfg" 256
c_wall=$wall c_cpu=$cpu c_what=$what
# On the store of the poll at 16 in flight (at 256, some polls may have failed on a busy machine).
say "FeedHub poll --once again, 256 in flight"
store_env=("${store_cold16[@]}")
measure_feedhub 256 poll --once
r_wall=$wall r_cpu=$cpu
row "re-poll, all 304, 256 in flight (wall)" "${c_wall} s" "${wall} s" "$(ratio "$wall" "$c_wall")" "curl: $c_what; FeedHub: $what"
row "  CPU per feed" "$(ms_per_feed "$c_cpu") ms" "$(ms_per_feed "$cpu") ms" "$(ratio "$cpu" "$c_cpu")" "user+sys / $feeds feeds$([ -n "$postmaster" ] && echo ", PostgreSQL included")"

# Start-up, store opening and listing the sources, with nothing due: what every poll --once above also paid.
say "FeedHub poll with nothing due (start-up)"
measure_feedhub 256 poll
s_wall=$wall s_cpu=$cpu
row "start-up (poll, nothing due)" "-" "${wall} s" "-" "CPU $(printf '%.2f' "$cpu") s, ${rss} MB; net of it, CPU per feed: cold@16 $(ms_per_feed "$(bc <<<"${fh_cpu[16]} - $s_cpu")") ms, cold@256 $(ms_per_feed "$(bc <<<"${fh_cpu[256]} - $s_cpu")") ms, 304 $(ms_per_feed "$(bc <<<"$r_cpu - $s_cpu")") ms"

# --- faults: the cold poll at 16 in flight from a farm where 5% of the feeds fail and 1% answer 5 s late ----------
# A second farm server of our own, whatever --farm says: the same feeds, failing (500/503/404/410 in turn) or slow
# deterministically per feed, so curl and FeedHub meet the same faults.
say "a farm with faults: 5% of the feeds fail, 1% answer 5 s late"
good_farm_url=$farm_url
farm_start --err-frac 0.05 --slow-frac 0.01 --slow-ms 5000
faulty_farm_url=$farm_url
farm_opml "$feeds" "$work/faults.opml"
sed "s|$good_farm_url/|$faulty_farm_url/|" "$work/curl-cold.cfg" >"$work/curl-faults.cfg"
use_store faults
import_sources faults "$work/faults.opml"
say "curl, 16 in flight, farm with faults"
measure_curl "$work/curl-faults.cfg" 16
c_wall=$wall c_cpu=$cpu c_what=$what
say "FeedHub poll --once, 16 in flight, farm with faults"
measure_feedhub 16 poll --once
farm_url=$good_farm_url
row "faults: cold poll, 16 in flight (wall)" "${c_wall} s" "${wall} s" "$(ratio "$wall" "$c_wall")" "5% of feeds fail, 1% answer 5 s late; curl: $c_what; FeedHub: $what"
row "  CPU per feed" "$(ms_per_feed "$c_cpu") ms" "$(ms_per_feed "$cpu") ms" "$(ratio "$cpu" "$c_cpu")" "user+sys / $feeds feeds$([ -n "$postmaster" ] && echo ", PostgreSQL included")"

c16_wall=$(sed -n 's/^cold poll, 16 in flight (wall) *\([0-9.]*\) s.*/\1/p' <<<"$(printf '%s\n' "${rows[@]}")")
fi

# --- serve: a round of polls under the server, pages while polling, memory, idle ----------------------------------
[ "$seed_articles" -gt 0 ] && seed_store
use_store serve
import_sources serve
serve_port=$(free_port)
say "FeedHub serve polling $feeds feeds at 16 in flight$([ "$seed_articles" -gt 0 ] && echo " into a store of $seed_articles articles")"
# The round is timed from the server's start (its start-up included): it polls new sources as soon as it runs.
$farm_has_stats && curl -fs "$farm_url/stats/reset" >/dev/null
serve_start=$(now); pg0=$(pg_cpu)
env "${store_env[@]}" $(fh_env 16) FeedHub__Urls="http://127.0.0.1:$serve_port" \
  dotnet "$feedhub" serve >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!
pids+=("$serve_pid")
base="http://127.0.0.1:$serve_port"
for _ in $(seq 1 600); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$base/readyz" >/dev/null || { say "serve did not get ready:"; tail -5 "$work/serve.err" >&2; exit 1; }

# One reader during the round: /, /digest and /feed.atom in turn, one request at a time.
(
  while :; do
    for path in / /digest /feed.atom; do
      curl -s -o /dev/null -w '%{http_code} %{time_total}\n' --max-time 60 "$base$path" >>"$work/reader.txt" || true
      sleep 0.2
    done
  done
) &
reader_pid=$!
pids+=("$reader_pid")

served() { curl -fs "$farm_url/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["s200"] + s["s304"] + s["s4xx"] + s["s5xx"])'; }
# The round is over when the farm has answered every feed and the server's CPU then rests (ingest finished).
give_up_at=$(bc <<<"$serve_start + 600 + 20 * $c16_wall")
finished=true
if $farm_has_stats; then
  while [ "$(served)" -lt "$feeds" ]; do
    sleep 0.5
    kill -0 "$serve_pid" || { say "serve died:"; grep -m1 -B2 -A40 "Unhandled exception" "$work/serve.err" >&2 || tail -60 "$work/serve.err" >&2; exit 1; }
    if [ "$(bc <<<"$(now) > $give_up_at")" = 1 ]; then say "serve: round not over after $(bc <<<"$give_up_at - $serve_start") s, measuring anyway"; finished=false; break; fi
  done
fi
fetched_at=$(now)
wait_until_cpu_rests "$serve_pid"
round_end=$(now)
kill "$reader_pid" 2>/dev/null || true; wait "$reader_pid" 2>/dev/null || true
serve_cpu=$(printf '%.2f' "$(bc <<<"$(cpu_of "$serve_pid") + $(pg_cpu) - $pg0")") # since its start
hwm=$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$serve_pid/status")
rss_done=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$serve_pid/status")
say "serve: round over, idle for $idle_seconds s"
sleep "$idle_seconds"
rss_idle=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$serve_pid/status")

fetch_wall=$(bc <<<"$fetched_at - $serve_start")
round_wall=$(printf '%.1f' "$(bc <<<"$round_end - $serve_start")")
round_ratio=$(ratio "$round_wall" "$c16_wall")
$finished || { round_wall="> $round_wall"; round_ratio="> $round_ratio"; }
row "serve: round of $feeds polls, 16 in flight" "${c16_wall} s" "${round_wall} s" "$round_ratio" \
  "last feed fetched at $(printf '%.1f' "$fetch_wall") s; CPU ${serve_cpu} s = $(ms_per_feed "$serve_cpu") ms/feed"
row "serve: peak RSS of the round (VmHWM)" "-" "${hwm} MB" "-" "RSS ${rss_done} MB when the round ended"
row "serve: RSS idle ${idle_seconds} s after the round" "-" "${rss_idle} MB" "-" ""
pct() { sort -n | awk -v p="$1" '{v[NR] = $1} END { if (NR == 0) { print "-"; exit } i = int(NR * p / 100 + 0.999); if (i < 1) i = 1; printf "%.2f", 1000 * v[i] }'; }
for path in / /digest /feed.atom; do
  times=$(awk -v p="$path" 'BEGIN{n=0} {i = (NR - 1) % 3; if ((i == 0 && p == "/") || (i == 1 && p == "/digest") || (i == 2 && p == "/feed.atom")) print $2}' "$work/reader.txt")
  codes=$(awk -v p="$path" '{i = (NR - 1) % 3; if ((i == 0 && p == "/") || (i == 1 && p == "/digest") || (i == 2 && p == "/feed.atom")) print $1}' "$work/reader.txt" | sort | uniq -c | awk '{printf "%s%s×%s", (NR > 1 ? " " : ""), $1, $2}')
  row "serve: $path while polling, p50 / p99" "-" "$(pct 50 <<<"$times") / $(pct 99 <<<"$times") ms" "-" "one reader, $(wc -l <<<"$times") requests: HTTP $codes"
done

kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
# What the server logged as errors during the round (a reader's 500, a poll's store failure), with the first of them:
# the work folder and its logs are gone when the benchmark ends.
errors=$(grep -c -E '^(fail|crit): ' "$work/serve.err" || true)
first_error=$({ grep -m1 -A1 -E '^(fail|crit): ' "$work/serve.err" || true; } | tr -s ' \n' ' ' | cut -c1-300)
row "serve: errors logged during the round" "-" "$errors" "-" "${first_error:-none}"
if [ "$errors" != 0 ]; then { grep -A12 -E '^(fail|crit): ' "$work/serve.err" || true; } | head -80 >&2 || true; fi

# --- pages on the polled store, beside nginx serving the same bytes -----------------------------------------------
# A web-only server started on the store just polled: its first request of each page is cold (nothing rendered or
# read yet since its start); then it is warm.
say "FeedHub serve (web role) on the polled store: pages"
env "${store_env[@]}" $(fh_env 16) FeedHub__Roles=web FeedHub__Urls="http://127.0.0.1:$serve_port" \
  dotnet "$feedhub" serve >"$work/web.out" 2>"$work/web.err" &
serve_pid=$!
pids+=("$serve_pid")
for _ in $(seq 1 600); do curl -fs "$base/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "$base/readyz" >/dev/null || { say "the web server did not get ready:"; tail -5 "$work/web.err" >&2; exit 1; }
rss_web_start=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$serve_pid/status")
mkdir -p "$work/www"
nginx_port=$(free_port)
nginx_pid_file="$work/nginx.pid"
declare -A fh_cold fh_code
for path in / /digest /feed.atom; do
  file=$([ "$path" = / ] && echo index.html || echo "${path#/}")
  read -r code t < <(curl -s --max-time 60 -o "$work/www/$file" -w '%{http_code} %{time_total}\n' "$base$path" || true)
  fh_cold[$path]=$t fh_code[$path]=$code
  touch "$work/www/$file" # nginx serves what FeedHub answered, even nothing
  [ "$code" = 200 ] || say "FeedHub answered $path with HTTP $code after $t s (000: no answer within 60 s)"
done
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $nginx_pid_file;
error_log $work/nginx-error.log;
events { worker_connections 64; }
http {
  access_log off;
  default_type application/octet-stream;
  server { listen 127.0.0.1:$nginx_port; root $work/www; etag on; }
}
CONF
chmod -R a+rX "$work/www"
nginx -c "$work/nginx.conf"
repeat_cfg() { # url, count -> a curl config fetching url count times on one connection
  local i
  for i in $(seq 1 "$2"); do printf 'url = "%s"\noutput = "/dev/null"\nmax-time = 60\nwrite-out = "%%{time_total}\\n"\n' "$1"; done
}
for path in / /digest /feed.atom; do
  file=$([ "$path" = / ] && echo index.html || echo "${path#/}")
  ng_cold=$(curl -s -o /dev/null -w '%{time_total}' "http://127.0.0.1:$nginx_port/$file")
  repeat_cfg "http://127.0.0.1:$nginx_port/$file" 200 >"$work/ng.cfg"
  repeat_cfg "$base$path" 200 >"$work/fh.cfg"
  ng_times=$(curl -s -K "$work/ng.cfg" || true)
  fh_times=$([ "${fh_code[$path]}" = 200 ] && curl -s -K "$work/fh.cfg" || true) # none when the cold request failed
  bytes=$(stat -c %s "$work/www/$file" 2>/dev/null || echo 0)
  fc=$(awk -v t="${fh_cold[$path]}" 'BEGIN{printf "%.1f", 1000 * t}'); nc=$(awk -v t="$ng_cold" 'BEGIN{printf "%.1f", 1000 * t}')
  row "page $path cold (first request after start)" "$nc ms" "$fc ms" "$(ratio "$fc" "$nc")" "HTTP ${fh_code[$path]}, $bytes bytes"
  ng50=$(pct 50 <<<"$ng_times"); ng99=$(pct 99 <<<"$ng_times"); fh50=$(pct 50 <<<"$fh_times"); fh99=$(pct 99 <<<"$fh_times")
  row "page $path warm, p50 / p99" "$ng50 / $ng99 ms" "$fh50 / $fh99 ms" "$(ratio "$fh50" "$ng50")" "200 requests on one connection; ratio of p50"
done
# Cold renders once the code is warm: each source's reading list is a page never asked for yet.
cold_times=$([ "${fh_code[/]}" = 200 ] && for k in $(seq 2 21); do curl -s --max-time 60 -o /dev/null -w '%{time_total}\n' "$base/?source=$k" || true; done || true) # none when / did not answer
row "page /?source=K cold, p50 / p99" "-" "$(pct 50 <<<"$cold_times") / $(pct 99 <<<"$cold_times") ms" "-" "20 sources, each page's first request"
row "serve (web role): RSS at start / after pages" "-" "$rss_web_start / $(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$serve_pid/status") MB" "-" "VmHWM $(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$serve_pid/status") MB"

kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true

echo
echo "FeedHub scale benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): $feeds feeds ($farm_desc), store $store$([ "$seed_articles" -gt 0 ] && echo " (serve and pages: $seed_articles articles seeded first)"), $(nproc) cores," \
  "load average $load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (the machine may be shared: CPU-bound figures swing)"
printf '%-48s %17s %17s %8s  %s\n' "scenario" "floor" "FeedHub" "ratio" "notes (floor: curl, same in flight; nginx for pages)"
printf '%s\n' "${rows[@]}"
