#!/usr/bin/env bash
# Memory benchmark: FeedHub's peak and idle RSS and CPU per feed while polling farm feeds (../shared/tools/farm, 50-200
# ms latency, 16 in flight, LiteDB), under the shipped GC configuration and under others given as environment
# variables, all in one run, so a configuration is judged beside the shipped one on the same load.
#
#   bash tests/bench/memory.sh [--feeds N] [--idle SECONDS] [--with 'VAR=VALUE ...'] ... [--baseline path/to/feedhub.dll]
#
#   --feeds N      feeds to poll (default 1000; the farm is generated under $FARM the first time)
#   --idle S       how long serve stays idle after its round before its RSS is read again (default 60)
#   --with '...'   one more configuration: runtime settings as environment variables, e.g. 'DOTNET_gcServer=1' or
#                  'DOTNET_GCConserveMemory=7'. Without any, the runtime's own defaults are compared
#                  ('DOTNET_GCGen0MaxBudget=0': the gen0 budget the GC sizes from the processor's cache).
#   --baseline D   another build's feedhub.dll, measured first under its own shipped configuration: a before/after of a
#                  code change on the same load (then the runtime's defaults are compared only when asked with --with)
#
# For each configuration: `feedhub poll --once` on a fresh store with the N sources imported (wall, CPU per feed,
# peak RSS), then `feedhub serve` on another fresh store polling them (peak RSS of the round, RSS when the round is
# over and after the idle time). The RSS split (anonymous, code files, JIT code) of each server is printed too.
# Needs node, python3, curl, /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=1000 idle_seconds=60 configs=() baseline=""
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --idle) idle_seconds=${2:?}; shift 2 ;;
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

# RSS by kind of mapping: anonymous (GC heap and the runtime's own), of which glibc malloc's (its brk heap and its
# arenas: 64 MB-aligned reservations, zlib, ICU and the runtime allocate there), code files (.dll, .so), JIT code.
rss_split() {
  python3 - "$1" <<'PY'
import re, sys
kinds = {"anon": 0, "malloc": 0, "files": 0, "jit": 0}
maps = []
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split()
        start, end = (int(x, 16) for x in parts[0].split("-"))
        name = parts[5] if len(parts) > 5 else ""
        kind = "jit" if "doublemapper" in name else "malloc" if name == "[heap]" else "files" if name.startswith("/") else "anon"
        maps.append({"start": start, "end": end, "perm": parts[1], "kind": kind, "rss": 0})
    elif line.startswith("Rss:"):
        maps[-1]["rss"] = int(line.split()[1])
arena = 64 << 20
for used, rest in zip(maps, maps[1:]):
    if (used["kind"] == rest["kind"] == "anon" and used["perm"] == "rw-p" and rest["perm"] == "---p"
            and used["end"] == rest["start"] and used["start"] % arena == 0 and rest["end"] - used["start"] == arena):
        used["kind"] = "malloc"
for m in maps:
    kinds[m["kind"]] += m["rss"]
mb = {k: v // 1024 for k, v in kinds.items()}
print(f"anon {mb['anon'] + mb['malloc']} MB of which malloc {mb['malloc']} MB, files {mb['files']} MB, JIT code {mb['jit']} MB")
PY
}

rows=()
row() { rows+=("$(printf '%-44s %s' "$1" "$2")"); echo "  ${rows[-1]}" >&2; }
for config in "${configs[@]}"; do
  name=${config:-shipped} dll=$feedhub settings=()
  if [ "$config" = @baseline ]; then
    name=baseline dll=$baseline
  else
    read -r -a settings <<<"$config"
  fi

  say "$name: poll --once"
  store=$(fresh_store once)
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" env FeedHub__Storage__Provider=LiteDb "$store" "${fh_env[@]}" "${settings[@]}" \
    dotnet "$dll" poll --once >"$work/out" 2>"$work/err" || { tail -5 "$work/err" >&2; exit 1; }
  read -r wall u s k <"$work/time"
  row "$name: poll --once" "$(awk -v w="$wall" -v c="$(bc <<<"$u + $s")" -v n="$feeds" -v k="$k" \
    'BEGIN {printf "wall %.1f s, CPU %.2f ms per feed, peak RSS %d MB", w, 1000 * c / n, k / 1024}'); $(grep '^polled' "$work/out")"

  say "$name: serve polling the same sources"
  store=$(fresh_store serve)
  curl -fs "$farm_url/stats/reset" >/dev/null
  env FeedHub__Storage__Provider=LiteDb "$store" "${fh_env[@]}" "${settings[@]}" FeedHub__Urls="http://127.0.0.1:$(free_port)" \
    dotnet "$dll" serve >"$work/serve.out" 2>"$work/serve.err" &
  serve_pid=$!
  pids+=("$serve_pid")
  served() { curl -fs "$farm_url/stats" | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["s200"] + s["s304"] + s["s4xx"] + s["s5xx"])'; }
  while [ "$(served)" -lt "$feeds" ]; do
    sleep 1
    kill -0 "$serve_pid" 2>/dev/null || { say "serve died:"; tail -5 "$work/serve.err" >&2; exit 1; }
  done
  wait_until_cpu_rests "$serve_pid"
  cpu=$(cpu_of "$serve_pid") hwm=$(mb "$serve_pid" VmHWM) rss_end=$(mb "$serve_pid" VmRSS)
  sleep "$idle_seconds"
  row "$name: serve polling" "CPU $(awk -v c="$cpu" -v n="$feeds" 'BEGIN {printf "%.2f", 1000 * c / n}') ms per feed, peak RSS $hwm MB, $rss_end MB at the round's end, $(mb "$serve_pid" VmRSS) MB after $idle_seconds s idle ($(rss_split "$serve_pid"))"
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
done

echo
echo "FeedHub memory benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'): $feeds farm feeds, 16 in flight, LiteDB, $(nproc) cores," \
  "load average $load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
printf '%s\n' "${rows[@]}"
