#!/usr/bin/env bash
# Memory benchmark: FeedHub's peak and idle RSS and CPU per feed while polling farm feeds (../shared/tools/farm, 50-200
# ms latency, 16 in flight, LiteDB), under the shipped GC configuration and under others given as environment
# variables, all in one run, so a configuration is judged beside the shipped one on the same load.
#
#   bash tests/bench/memory.sh [--feeds N] [--idle SECONDS[,SECONDS...]] [--with 'VAR=VALUE ...'] ...
#                              [--baseline path/to/feedhub.dll] [--build NAME=path/to/feedhub.dll] ... [--reps R] [--serve-only]
#                              [--quarters]
#
#   --feeds N      feeds to poll (default 1000; the farm is generated under $FARM the first time)
#   --idle S,...   how long after its round serve's RSS is read again, in seconds from the round's end (default 60;
#                  '60,120' reads it at both)
#   --reps R       runs of every configuration (default 1), in reverse order every other time, so that no
#                  configuration always meets the load of the same moment
#   --serve-only   measure the `serve` round only, not `poll --once`
#   --quarters     also the serve round's CPU per feed in each quarter of its feeds (read as the farm has served each
#                  quarter): the JIT's warm-up lands in the first, the steady state is the others
#   --with '...'   one more configuration: runtime settings as environment variables, e.g. 'DOTNET_gcServer=1' or
#                  'DOTNET_GCConserveMemory=7'. Without any, the runtime's own defaults are compared
#                  ('DOTNET_GCGen0MaxBudget=0': the gen0 budget the GC sizes from the processor's cache).
#   --baseline D   another build's feedhub.dll, measured first under its own shipped configuration: a before/after of a
#                  code change on the same load (then the runtime's defaults are compared only when asked with --with)
#   --build N=D    one more build, named N, measured like the baseline (one step of a change each, beside it)
#
# For each configuration: `feedhub poll --once` on a fresh store with the N sources imported (wall, CPU per feed,
# peak RSS), then `feedhub serve` on another fresh store polling them (the round's time from the server's start and
# CPU per feed, its peak RSS, RSS when the round is over and after each idle time). What the server's RSS is made of
# (tests/bench/rss_parts.py: GC heap, malloc, JIT code, other anonymous memory, assemblies, native libraries, data
# files) is printed at the round's peak, sampled every 0.5 s, and after each idle time.
# Needs node, python3, curl, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=1000 idle_times=60 configs=() builds=() reps=1 serve_only=false quarters=false
declare -A dll=()
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --idle) idle_times=${2:?}; shift 2 ;;
    --reps) reps=${2:?}; shift 2 ;;
    --serve-only) serve_only=true; shift ;;
    --quarters) quarters=true; shift ;;
    --with) configs+=("${2:?}"); shift 2 ;;
    --baseline) builds+=(baseline); dll[baseline]=${2:?}; shift 2 ;;
    --build) [[ ${2:-} == ?*=?* && ${2%%=*} != this ]] || { echo "memory.sh: --build takes NAME=path/to/feedhub.dll (NAME not 'this')" >&2; exit 2; }
      builds+=("${2%%=*}"); dll[${2%%=*}]=${2#*=}; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "memory.sh: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
for build in "${builds[@]}"; do
  [ -f "${dll[$build]}" ] || { echo "memory.sh: no build $build at ${dll[$build]}" >&2; exit 2; }
done
IFS=, read -r -a idle_times <<<"$idle_times"
[ "${#configs[@]}" -gt 0 ] || [ "${#builds[@]}" -gt 0 ] || configs=("DOTNET_GCGen0MaxBudget=0")
configs=("" "${configs[@]}")
# Other builds run first, under names no environment setting can have.
for ((i = ${#builds[@]} - 1; i >= 0; i--)); do configs=("@${builds[i]}" "${configs[@]}"); done

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
# Every build is measured from a copy taken now (snapshot_builds): a worktree built again during the run (main merged, a
# helper's next change) changes nothing measured between one configuration or rep and the next.
builds+=(this)
dll[this]=src/FeedHub/bin/Release/net10.0/feedhub.dll
snapshot_builds
feedhub=${dll[this]}
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
    name=${config:-shipped} run_dll=$feedhub settings=()
    if [[ $config == @* ]]; then
      name=${config#@} run_dll=${dll[${config#@}]}
    else
      read -r -a settings <<<"$config"
    fi
    [ "$reps" = 1 ] || name="$name, run $rep"

    if ! $serve_only; then
      say "$name: poll --once"
      store=$(fresh_store once)
      /usr/bin/time -f '%e %U %S %M' -o "$work/time" env FeedHub__Storage__Provider=LiteDb "$store" "${fh_env[@]}" "${settings[@]}" \
        dotnet "$run_dll" poll --once >"$work/out" 2>"$work/err" || { tail -5 "$work/err" >&2; exit 1; }
      read -r wall u s k <"$work/time"
      row "$name: poll --once" "$(awk -v w="$wall" -v c="$(bc <<<"$u + $s")" -v n="$feeds" -v k="$k" \
        'BEGIN {printf "wall %.1f s, CPU %.2f ms per feed, peak RSS %d MB", w, 1000 * c / n, k / 1024}'); $(grep '^polled' "$work/out")"
    fi

    say "$name: serve polling the same sources"
    store=$(fresh_store serve)
    curl -fs "$farm_url/stats/reset" >/dev/null
    started=$(date +%s.%N)
    env FeedHub__Storage__Provider=LiteDb "$store" "${fh_env[@]}" "${settings[@]}" FeedHub__Urls="http://127.0.0.1:$(free_port)" \
      dotnet "$run_dll" serve >"$work/serve.out" 2>"$work/serve.err" &
    serve_pid=$!
    pids+=("$serve_pid")
    python3 tests/bench/rss_parts.py --peak "$serve_pid" "$work/peak" &
    sampler_pid=$!
    pids+=("$sampler_pid")
    marks=()
    while [ "$(served)" -lt "$feeds" ]; do
      sleep 1
      kill -0 "$serve_pid" 2>/dev/null || { say "serve died:"; tail -5 "$work/serve.err" >&2; exit 1; }
      # The CPU spent when the farm has served each quarter of the feeds (their polls are about done by then).
      while [ "${#marks[@]}" -lt 3 ] && [ "$(served)" -ge $((feeds * (${#marks[@]} + 1) / 4)) ]; do marks+=("$(cpu_of "$serve_pid")"); done
    done
    wait_until_cpu_rests "$serve_pid"
    # wait_until_cpu_rests returns 2 s after the last work it saw at most.
    round=$(bc <<<"$(date +%s.%N) - $started - 2")
    cpu=$(cpu_of "$serve_pid") hwm=$(mb "$serve_pid" VmHWM) rss_end=$(mb "$serve_pid" VmRSS) load=$(cut -d' ' -f1 /proc/loadavg)
    kill "$sampler_pid"; wait "$sampler_pid" 2>/dev/null || true
    ended=$(date +%s.%N) idle_rows=() idle_rss=""
    for idle in "${idle_times[@]}"; do
      sleep "$(bc <<<"x = $ended + $idle - $(date +%s.%N); if (x < 0) 0 else x")"
      idle_rss+=", $(mb "$serve_pid" VmRSS) MB after $idle s idle"
      idle_rows+=("$idle" "$(python3 tests/bench/rss_parts.py "$serve_pid")")
    done
    row "$name: serve polling" "round $(printf '%.0f' "$round") s, CPU $(awk -v c="$cpu" -v n="$feeds" 'BEGIN {printf "%.2f", 1000 * c / n}') ms per feed, peak RSS $hwm MB, $rss_end MB at the round's end$idle_rss; load average $load at the round's end"
    if $quarters; then
      row "$name: serve, CPU per feed by quarter" "$(awk -v n="$feeds" -v end="$cpu" -v m="${marks[*]}" \
        'BEGIN {split(m, c, " "); c[4] = end; p = 0; for (i = 1; i <= 4; i++) {printf "%s%.2f", (i > 1 ? ", " : ""), 4000 * (c[i] - p) / n; p = c[i]}; print " ms"}')"
    fi
    row "$name: serve at its peak" "$(cat "$work/peak")"
    for ((i = 0; i < ${#idle_rows[@]}; i += 2)); do row "$name: serve after ${idle_rows[i]} s idle" "${idle_rows[i + 1]}"; done
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
