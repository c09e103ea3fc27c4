#!/usr/bin/env bash
# HTTP serving benchmark: FeedHub's /feed.atom and river page against nginx serving the same bytes as static files,
# in the same run, with wrk (plain, gzip and 304). Prints requests/s, p99 latency, the server's CPU time per request
# (user+system of its processes over the wrk run) and FeedHub's share of nginx's requests/s.
#
#   bash tests/bench/http.sh [DURATION] [--repeat N] [--with 'VAR=VALUE ...'] ... [--baseline path/to/FeedHub.Benchmarks.dll]
#
#   DURATION       each wrk run (default 8s)
#   --repeat N     measure every case N times (default 1); the FeedHub servers take turns at going first
#   --with '...'   one more FeedHub server of this build, with runtime settings as environment variables, e.g.
#                  'DOTNET_TC_QuickJitForLoops=1' or 'DOTNET_TieredPGO=0'
#   --baseline D   one more FeedHub server from another build's FeedHub.Benchmarks.dll: a before/after on the same load
#
# Needs wrk and nginx-light (installs them as root when missing). Every server binds 127.0.0.1 and is stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

duration=8s repeat=1 configs=("") baseline=""
while [ $# -gt 0 ]; do
  case $1 in
    --repeat) repeat=${2:?}; shift 2 ;;
    --with) configs+=("${2:?}"); shift 2 ;;
    --baseline) baseline=${2:?}; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "http.sh: unknown argument '$1'" >&2; exit 2 ;;
    *) duration=$1; shift ;;
  esac
done
[ -z "$baseline" ] || [ -f "$baseline" ] || { echo "http.sh: no baseline build at $baseline" >&2; exit 2; }
# The baseline build runs under a name no environment setting can have.
[ -z "$baseline" ] || configs+=("@baseline")

if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-http-bench.XXXXXX")"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

dotnet build -c Release tests/FeedHub.Benchmarks >/dev/null
names=() ports=() servers=()
for config in "${configs[@]}"; do
  name=feedhub dll=tests/FeedHub.Benchmarks/bin/Release/net10.0/FeedHub.Benchmarks.dll settings=()
  if [ "$config" = @baseline ]; then
    name=baseline dll=$baseline
  elif [ -n "$config" ]; then
    name="feedhub $config"
    read -r -a settings <<<"$config"
  fi
  port=$(free_port)
  # From its build's folder, so that each build reads its own config/appsettings.json.
  (cd "$(dirname "$dll")" && exec env "${settings[@]}" dotnet "$(basename "$dll")" serve "$port") >"$work/feedhub-${#names[@]}.log" 2>&1 &
  pids+=("$!") servers+=("$!") names+=("$name") ports+=("$port")
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null || { echo "http.sh: $name did not start:" >&2; tail -5 "$work/feedhub-$((${#names[@]} - 1)).log" >&2; exit 1; }
done

# nginx's workers run as an unprivileged user: they must be able to read the files.
nginx_port=$(free_port)
chmod 755 "$work"
mkdir -p "$work/www"
curl -fs "http://127.0.0.1:${ports[0]}/feed.atom" -o "$work/www/feed.atom"
curl -fs "http://127.0.0.1:${ports[0]}/" -o "$work/www/index.html"
gzip -9 -k "$work/www/feed.atom" "$work/www/index.html"
cat >"$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 256; }
http {
  access_log off;
  default_type application/octet-stream;
  gzip_static on;
  server { listen 127.0.0.1:$nginx_port; root $work/www; etag on; }
}
CONF
chmod -R a+rX "$work/www"
nginx -c "$work/nginx.conf"
for page in feed.atom index.html; do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$nginx_port/$page")" = 200 ] || { echo "nginx does not serve $page" >&2; exit 1; }
done
nginx_master=$(cat "$work/nginx.pid")

ticks=$(getconf CLK_TCK)
# CPU ticks (user+system) of a process and of its children's threads: nginx's work is in its worker.
cpu_ticks() {
  local total=0 pid
  for pid in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "$total"
}
etag_of() { { curl -s -D - -o /dev/null "$1" || true; } | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}'; }
run() { # pid, url, header... -> "rps p99ms cpu-us-per-request"
  local pid=$1 url=$2; shift 2
  local args=() before after
  for h in "$@"; do args+=(-H "$h"); done
  before=$(cpu_ticks "$pid")
  wrk -t2 -c8 -d"$duration" --latency "${args[@]}" "$url" >"$work/wrk.out"
  after=$(cpu_ticks "$pid")
  awk -v cpu=$((after - before)) -v t="$ticks" '/Requests\/sec/{rps=$2} /^ +99%/{p=$2} / requests in /{n=$1} END{
    v=p; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}
    printf "%s %.2f %.1f", rps, v, (n > 0 ? 1e6 * cpu / t / n : 0) }' "$work/wrk.out"
}

# Steady state, as a long-running server sees it: JIT tiering and the first renders happen before measuring.
for port in "${ports[@]}" "$nginx_port"; do
  for url in "http://127.0.0.1:$port/feed.atom" "http://127.0.0.1:$port/"; do
    [ "$port" = "$nginx_port" ] && [ "$url" = "http://127.0.0.1:$port/" ] && continue
    wrk -t2 -c8 -d3s "$url" >/dev/null
    wrk -t2 -c8 -d2s -H "Accept-Encoding: gzip" "$url" >/dev/null
  done
done

printf "%-18s %-34s %12s %8s %12s %8s\n" case server "req/s" "p99 ms" "CPU us/req" share
turn=0
for round in $(seq 1 "$repeat"); do
  for page in feed.atom index.html; do
    path=$page; [ "$page" = index.html ] && path=""
    for mode in plain gzip 304; do
      ng=()
      case $mode in
        gzip) ng=("Accept-Encoding: gzip");;
        304) ng=("If-None-Match: $(etag_of "http://127.0.0.1:$nginx_port/$page")");;
      esac
      read -r ng_rps ng_p99 ng_cpu <<<"$(run "$nginx_master" "http://127.0.0.1:$nginx_port/$page" "${ng[@]}")"
      printf "%-18s %-34s %12s %8s %12s %8s\n" "$page $mode" nginx "$ng_rps" "$ng_p99" "$ng_cpu" ""
      # The FeedHub servers take turns at going first, so a load that rises or falls during a run favours none.
      for k in $(seq 0 $((${#names[@]} - 1))); do
        i=$(((k + turn) % ${#names[@]}))
        fh=()
        case $mode in
          gzip) fh=("Accept-Encoding: gzip");;
          304) fh=("If-None-Match: $(etag_of "http://127.0.0.1:${ports[$i]}/$path")");;
        esac
        read -r fh_rps fh_p99 fh_cpu <<<"$(run "${servers[$i]}" "http://127.0.0.1:${ports[$i]}/$path" "${fh[@]}")"
        share=$(awk -v a="$fh_rps" -v b="$ng_rps" 'BEGIN{printf "%.0f%%", 100*a/b}')
        printf "%-18s %-34s %12s %8s %12s %8s\n" "$page $mode" "${names[$i]}" "$fh_rps" "$fh_p99" "$fh_cpu" "$share"
      done
      turn=$((turn + 1))
    done
  done
done
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, wrk -t2 -c8 -d$duration; load average $load_at_start at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
