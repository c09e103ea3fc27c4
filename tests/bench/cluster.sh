#!/usr/bin/env bash
# Cluster polling benchmark: FeedHub workers on one PostgreSQL poll 10,000 farm feeds (../shared/tools/farm, 50-200 ms
# latency), first with one worker, then with two; beside them, in the same run, curl fetching the same feeds with as
# many requests in flight (the floor). Prints, per scenario: time to the first full round (from the moment the import
# has queued every poll), requests/s, the workers' split, and the CPU seconds of the workers and of PostgreSQL.
# Usage: bash tests/bench/cluster.sh [FEEDS=10000]   (Release build; needs node, curl, psql; generates the farm under
# $FARM, default ${TMPDIR:-/tmp}/feedhub-farm, the first time: about a minute and 450 MB)
set -euo pipefail
cd "$(dirname "$0")/../.."
feeds="${1:-10000}"
in_flight=16 # FeedHub:Fetcher:MaxConcurrency of each worker
farm_tool=../shared/tools/farm/farm.sh
export FARM="${FARM:-${TMPDIR:-/tmp}/feedhub-farm}"

[ -f "$FARM/feeds/$((feeds - 1)).xml" ] || bash "$farm_tool" gen "$feeds" >&2
work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-cluster-bench.XXXXXX")"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
farm_port=$(free_port)
pids=()
pg_dir=""
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$FARM/farm_server.pid" ] && kill "$(cat "$FARM/farm_server.pid")" 2>/dev/null || true
  [ -n "$pg_dir" ] && bash tests/postgres.sh stop "$pg_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release src/FeedHub >/dev/null
feedhub=src/FeedHub/bin/Release/net10.0/feedhub.dll
bash "$farm_tool" node-start "$farm_port" --lat-min 50 --lat-max 200 >/dev/null
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$farm_port/stats" >/dev/null 2>&1 && break; sleep 0.2; done
eval "$(bash tests/postgres.sh start)"
pg_dir="$FEEDHUB_TEST_POSTGRES_DIR"
pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$FEEDHUB_TEST_POSTGRES")
postmaster=$(head -1 "$pg_dir/data/postmaster.pid")
ticks=$(getconf CLK_TCK)

urls="$(bash "$farm_tool" urls "$feeds" "$farm_port")"
{
  echo '<?xml version="1.0"?><opml version="2.0"><head><title>farm</title></head><body>'
  sed 's|.*|<outline type="rss" text="&" xmlUrl="&"/>|' "$urls"
  echo '</body></opml>'
} >"$work/farm.opml"

# CPU seconds used so far by processes (their own time; for the postmaster, the backends that ended too).
cpu_of() { for pid in "$@"; do awk '{print $14 + $15 + $16 + $17}' "/proc/$pid/stat" 2>/dev/null || true; done | awk -v t="$ticks" '{s += $1} END {printf "%.1f", s / t}'; }
pg_cpu() { cpu_of "$postmaster" $(pgrep -P "$postmaster" || true); }
served() { curl -fs "http://127.0.0.1:$farm_port/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["s200"] + s["s304"] + s["s4xx"] + s["s5xx"])'; }
now() { date +%s.%N; }

rows=()
curl_floor() { # parallel
  curl -fs "http://127.0.0.1:$farm_port/stats/reset" >/dev/null
  local start end
  start=$(now)
  bash "$farm_tool" curl "$urls" "$1" --compressed >/dev/null 2>&1
  end=$(now)
  rows+=("$(printf '%-34s %8.1f s %9.0f %15s %12s %10s' "curl, $1 in flight" "$(bc <<<"$end - $start")" "$(bc <<<"$feeds / ($end - $start)")" "-" "-" "-")")
}

cluster() { # workers
  local workers=$1 database="bench_$1" connection i
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "CREATE DATABASE $database" postgres
  connection="$FEEDHUB_TEST_POSTGRES;Database=$database"
  export FeedHub__Storage__Provider=Postgres ConnectionStrings__Postgres="$connection" FeedHub__StarterSources= \
    FeedHub__Fetcher__AllowPrivateNetworks=true FeedHub__Fetcher__MaxConcurrency=$in_flight \
    FeedHub__Fetcher__MaxPerHost=$((2 * in_flight)) Logging__LogLevel__Default=Warning
  # The farm serves all its blogs from one address: per-host politeness is lifted above the in-flight count.
  local worker_pids=() port
  for i in $(seq 1 "$workers"); do
    port=$(free_port)
    # Each poll is logged, to count each worker's share.
    env FeedHub__Roles=worker FeedHub__Urls="http://127.0.0.1:$port" FeedHub__Fetcher__UserAgent="bench-worker-$i" \
      "Logging__LogLevel__FeedHub.Core.Polling.SourcePoller=Debug" dotnet "$feedhub" serve >"$work/worker-$workers-$i.log" 2>&1 &
    worker_pids+=($!); pids+=($!)
    # Ready: the store answers and the worker's scheduler runs.
    for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break; sleep 0.2; done
  done
  curl -fs "http://127.0.0.1:$farm_port/stats/reset" >/dev/null
  local pg_before workers_before import_start queued_at end
  pg_before=$(pg_cpu); workers_before=$(cpu_of "${worker_pids[@]}")
  import_start=$(now)
  FeedHub__Roles=web dotnet "$feedhub" import "$work/farm.opml" >/dev/null
  queued_at=$(now)
  while [ "$(served)" -lt "$feeds" ]; do sleep 0.5; done
  end=$(now)
  local split="" counts=()
  for i in $(seq 1 "$workers"); do counts+=("$(grep -c 'Polled source' "$work/worker-$workers-$i.log" || true)"); done
  split=$(IFS=/; echo "${counts[*]}")
  rows+=("$(printf '%-34s %8.1f s %9.0f %15s %10.1f s %8.1f s' "FeedHub, $workers worker(s) × $in_flight" "$(bc <<<"$end - $queued_at")" \
    "$(bc <<<"$feeds / ($end - $queued_at)")" "$split" "$(bc <<<"$(cpu_of "${worker_pids[@]}") - $workers_before")" "$(bc <<<"$(pg_cpu) - $pg_before")")")
  echo "  ($workers worker(s): importing $feeds feeds with 'feedhub import' took $(bc <<<"$queued_at - $import_start" | xargs printf '%.1f') s before the round)" >&2
  for pid in "${worker_pids[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
  psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -c "DROP DATABASE $database WITH (FORCE)" postgres
}

curl_floor "$in_flight"
cluster 1
curl_floor $((2 * in_flight))
cluster 2

echo "$feeds farm feeds, 50-200 ms latency, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg):"
printf '%-34s %10s %9s %15s %12s %10s\n' "scenario" "round" "req/s" "split" "worker CPU" "PG CPU"
printf '%s\n' "${rows[@]}"
