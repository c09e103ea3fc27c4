#!/usr/bin/env bash
# HTTP serving benchmark: FeedHub's /feed.atom and river page against nginx serving the same bytes as static files,
# in the same run, with wrk (plain, gzip and 304). Prints requests/s, p99 latency and FeedHub's share of nginx.
# Usage: bash tests/bench/http.sh [DURATION]   (needs wrk and nginx-light; installs them as root when missing)
set -euo pipefail
cd "$(dirname "$0")/../.."
duration="${1:-8s}"
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-http-bench.XXXXXX")"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
feedhub_port=$(free_port); nginx_port=$(free_port)

dotnet build -c Release tests/FeedHub.Benchmarks >/dev/null
dotnet tests/FeedHub.Benchmarks/bin/Release/net10.0/FeedHub.Benchmarks.dll serve "$feedhub_port" >"$work/feedhub.log" 2>&1 &
feedhub_pid=$!
cleanup() { kill "$feedhub_pid" 2>/dev/null || true; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$feedhub_port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

# nginx's workers run as an unprivileged user: they must be able to read the files.
chmod 755 "$work"
mkdir -p "$work/www"
curl -fs "http://127.0.0.1:$feedhub_port/feed.atom" -o "$work/www/feed.atom"
curl -fs "http://127.0.0.1:$feedhub_port/" -o "$work/www/index.html"
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

etag_of() { { curl -s -D - -o /dev/null "$1" || true; } | tr -d '\r' | awk -F': ' 'tolower($1)=="etag"{print $2}'; }
run() { # url, header... -> "rps p99ms"
  local url=$1; shift
  local args=()
  for h in "$@"; do args+=(-H "$h"); done
  wrk -t2 -c8 -d"$duration" --latency "${args[@]}" "$url" | awk '/Requests\/sec/{rps=$2} /^ +99%/{p=$2} END{
    v=p; if (v ~ /us$/) {sub(/us$/,"",v); v=v/1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v=v*1000}
    printf "%s %.2f", rps, v }'
}

# Steady state, as a long-running server sees it: JIT tiering and the first renders happen before measuring.
for url in "http://127.0.0.1:$feedhub_port/feed.atom" "http://127.0.0.1:$feedhub_port/" "http://127.0.0.1:$nginx_port/feed.atom"; do
  wrk -t2 -c8 -d3s "$url" >/dev/null
  wrk -t2 -c8 -d2s -H "Accept-Encoding: gzip" "$url" >/dev/null
done

printf "%-22s %14s %10s %14s %10s %8s\n" case "nginx req/s" "p99 ms" "FeedHub req/s" "p99 ms" share
for page in feed.atom index.html; do
  path=$page; [ "$page" = index.html ] && path=""
  for mode in plain gzip 304; do
    fh=(); ng=()
    case $mode in
      gzip) fh=("Accept-Encoding: gzip"); ng=("Accept-Encoding: gzip");;
      304) fh=("If-None-Match: $(etag_of "http://127.0.0.1:$feedhub_port/$path")")
           ng=("If-None-Match: $(etag_of "http://127.0.0.1:$nginx_port/$page")");;
    esac
    read -r ng_rps ng_p99 <<<"$(run "http://127.0.0.1:$nginx_port/$page" "${ng[@]}")"
    read -r fh_rps fh_p99 <<<"$(run "http://127.0.0.1:$feedhub_port/$path" "${fh[@]}")"
    share=$(awk -v a="$fh_rps" -v b="$ng_rps" 'BEGIN{printf "%.0f%%", 100*a/b}')
    printf "%-22s %14s %10s %14s %10s %8s\n" "$page $mode" "$ng_rps" "$ng_p99" "$fh_rps" "$fh_p99" "$share"
  done
done
