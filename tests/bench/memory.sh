#!/usr/bin/env bash
# Memory benchmark: FeedHub's peak and idle RSS and CPU per feed while polling farm feeds (../shared/tools/farm, 50-200
# ms latency, 16 in flight, LiteDB), under the shipped GC configuration and under others given as environment
# variables, all in one run, so a configuration is judged beside the shipped one on the same load.
#
#   bash tests/bench/memory.sh [--feeds N] [--idle SECONDS] [--with 'VAR=VALUE ...'] ... [--baseline path/to/feedhub.dll]
#                              [--reps R] [--serve-only]
#
#   --feeds N      feeds to poll (default 1000; the farm is generated under $FARM the first time)
#   --idle S       how long serve stays idle after its round before its RSS is read again (default 60)
#   --reps R       runs of every configuration (default 1), in reverse order every other time, so that no
#                  configuration always meets the load of the same moment
#   --serve-only   measure the `serve` round only, not `poll --once`
#   --with '...'   one more configuration: runtime settings as environment variables, e.g. 'DOTNET_gcServer=1' or
#                  'DOTNET_GCConserveMemory=7'. Without any, the runtime's own defaults are compared
#                  ('DOTNET_GCGen0MaxBudget=0': the gen0 budget the GC sizes from the processor's cache).
#   --baseline D   another build's feedhub.dll, measured first under its own shipped configuration: a before/after of a
#                  code change on the same load (then the runtime's defaults are compared only when asked with --with)
#
# For each configuration: `feedhub poll --once` on a fresh store with the N sources imported (wall, CPU per feed,
# peak RSS), then `feedhub serve` on another fresh store polling them (the round's time from the server's start and
# CPU per feed, its peak RSS, RSS when the round is over and after the idle time). What the server's RSS is made of
# (tests/bench/rss_parts.py: GC heap, malloc, JIT code, other anonymous memory, assemblies, native libraries, data
# files) is printed at the round's peak, sampled every 0.5 s, and after the idle time.
# Needs node, python3, curl, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=1000 idle_seconds=60 configs=() baseline="" reps=1 serve_only=false
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --idle) idle_seconds=${2:?}; shift 2 ;;
    --reps) reps=${2:?}; shift 2 ;;
    --serve-only) serve_only=true; shift ;;
    --with) configs+=("${2:?}"); shift 2 ;;
    --baseline) baseline=${2:?}; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "memory.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
[ -z "$baseline" ] || [ -f "$baseline" ] || { echo "memory.sh: no baseline build at $baseline" >&2; exit 2; }
[ "${#configs[@]}" -gt 0 ] || [ -n "$baseline" ] || configs=("DOTNET_GCGen0MaxBudget=0")
configs=("" "${configs[@]}")
# The baseline build runs under a name no environment setting can have.
[ -z "$baseline" ] || configs=("@baseline" "${configs[@]}")

. tests/bench/farm.sh
farm_require memory.sh "$feeds"

bench_work memory
say() { echo "memory.sh: $*" >&2; }
ticks=$(getconf CLK_TCK)
cpu_of() { awk -v t="$ticks" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"; }
mb() { awk -v k="$2" '$1 == k":" {printf "%d", $2 / 1024}' "/proc/$1/status"; }
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

farm_start
farm_opml "$feeds" "$work/farm.opml"

build_feedhub
feedhub=src/FeedHub/bin/Release/net10.0/feedhub.dll
fh_env=(FeedHub__StarterSources= FeedHub__Fetcher__AllowPrivateNetworks=true FeedHub__Fetcher__MaxConcurrency=16 FeedHub__Fetcher__MaxPerHost=16)

say "importing $feeds sources"
mkdir -p "$work/template"
env FeedHub__Storage__Provider=LiteDb "FeedHub__Storage__LiteDb__Path=$work/template/feedhub.db" "${fh_env[@]}" \
  dotnet "$feedhub" import "$work/farm.opml" >"$work/import.log" 2>&1 || { tail -5 "$work/import.log" >&2; exit 1; }
fresh_store() { rm -rf "$work/$1"; cp -r "$work/template" "$work/$1"; echo "FeedHub__Storage__LiteDb__Path=$work/$1/feedhub.db"; }
served() { curl -fs "$farm_url/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["s200"] + s["s304"] + s["s4xx"] + s["s5xx"])'; }

rows=()
row() { rows+=("$(printf '%-44s %s' "$1" "$2")"); echo "  ${rows[-1]}" >&2; }
order=("${configs[@]}")
for rep in $(seq 1 "$reps"); do
  for config in "${order[@]}"; do
    name=${config:-shipped} dll=$feedhub settings=()
    if [ "$config" = @baseline ]; then
      name=baseline dll=$baseline
    else
      read -r -a settings <<<"$config"
    fi
    [ "$reps" = 1 ] || name="$name, run $rep"

    if ! $serve_only; then
      say "$name: poll --once"
      store=$(fresh_store once)
      /usr/bin/time -f '%e %U %S %M' -o "$work/time" env FeedHub__Storage__Provider=LiteDb "$store" "${fh_env[@]}" "${settings[@]}" \
        dotnet "$dll" poll --once >"$work/out" 2>"$work/err" || { tail -5 "$work/err" >&2; exit 1; }
      read -r wall u s k <"$work/time"
      row "$name: poll --once" "$(awk -v w="$wall" -v c="$(bc <<<"$u + $s")" -v n="$feeds" -v k="$k" \
        'BEGIN {printf "wall %.1f s, CPU %.2f ms per feed, peak RSS %d MB", w, 1000 * c / n, k / 1024}'); $(grep '^polled' "$work/out")"
    fi

    say "$name: serve polling the same sources"
    store=$(fresh_store serve)
    curl -fs "$farm_url/stats/reset" >/dev/null
    started=$(date +%s.%N)
    env FeedHub__Storage__Provider=LiteDb "$store" "${fh_env[@]}" "${settings[@]}" FeedHub__Urls="http://127.0.0.1:$(free_port)" \
      dotnet "$dll" serve >"$work/serve.out" 2>"$work/serve.err" &
    serve_pid=$!
    pids+=("$serve_pid")
    python3 tests/bench/rss_parts.py --peak "$serve_pid" "$work/peak" &
    sampler_pid=$!
    pids+=("$sampler_pid")
    while [ "$(served)" -lt "$feeds" ]; do
      sleep 1
      kill -0 "$serve_pid" 2>/dev/null || { say "serve died:"; tail -5 "$work/serve.err" >&2; exit 1; }
    done
    wait_until_cpu_rests "$serve_pid"
    # wait_until_cpu_rests returns 2 s after the last work it saw at most.
    round=$(bc <<<"$(date +%s.%N) - $started - 2")
    cpu=$(cpu_of "$serve_pid") hwm=$(mb "$serve_pid" VmHWM) rss_end=$(mb "$serve_pid" VmRSS)
    kill "$sampler_pid"; wait "$sampler_pid" 2>/dev/null || true
    sleep "$idle_seconds"
    row "$name: serve polling" "round $(printf '%.0f' "$round") s, CPU $(awk -v c="$cpu" -v n="$feeds" 'BEGIN {printf "%.2f", 1000 * c / n}') ms per feed, peak RSS $hwm MB, $rss_end MB at the round's end, $(mb "$serve_pid" VmRSS) MB after $idle_seconds s idle"
    row "$name: serve at its peak" "$(cat "$work/peak")"
    row "$name: serve after $idle_seconds s idle" "$(python3 tests/bench/rss_parts.py "$serve_pid")"
    kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
  done
  reversed=()
  for ((i = ${#order[@]} - 1; i >= 0; i--)); do reversed+=("${order[i]}"); done
  order=("${reversed[@]}")
done

echo
echo "FeedHub memory benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): $feeds farm feeds, 16 in flight, LiteDB, $(nproc) cores," \
  "load average $load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%s\n' "${rows[@]}"
