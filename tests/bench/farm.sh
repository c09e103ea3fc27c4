# The feed farm for the polling benchmarks (scale.sh, ingest.sh, memory.sh, repoll.sh), the end of a polling round and the
# PostgreSQL store as a server keeps it: sourced by them, not run.
# The team's farm (../shared/tools/farm) generates N feeds of 20 items (28-60 KB) under $FARM and serves them with
# 50-200 ms of latency; a fresh clone has no ../shared, and these benchmarks then say so and stop.
# The functions use the sourcing script's $work (its temporary folder) and pids (the processes it stops at its end).

farm_tool=../shared/tools/farm

# bench_work NAME: $work, a temporary folder for this run, and pids, the processes it starts: at its exit each of them
# is stopped by its pid and the folder removed.
bench_work() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-$1-bench.XXXXXX")"
  pids=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}

# pg_start_own: a PostgreSQL server of the sourcing script's own (tests/postgres.sh, whatever FEEDHUB_TEST_POSTGRES
# says): sets FEEDHUB_TEST_POSTGRES, pg_dir (which the script stops at its end) and pg_port, and defines sql (psql on
# that server, unaligned, tuples only).
pg_start_own() {
  env -u FEEDHUB_TEST_POSTGRES -u FEEDHUB_TEST_POSTGRES_DIR bash tests/postgres.sh start >"$work/pg.env"
  . "$work/pg.env"
  pg_dir=$FEEDHUB_TEST_POSTGRES_DIR
  pg_port=$(sed -n 's/.*Port=\([0-9]*\).*/\1/p' <<<"$FEEDHUB_TEST_POSTGRES")
  sql() { psql -qtA -h 127.0.0.1 -p "$pg_port" -U postgres "$@"; }
}

# word_pairs_index PORT DATABASE: builds the PostgreSQL word-pairs search index a running server builds after start-up
# (`poll --once` and `import` do not), so the polls measured pay its upkeep as users' servers do.
word_pairs_index() {
  psql -q -h 127.0.0.1 -p "$1" -U postgres -d "$2" \
    -c "CREATE INDEX IF NOT EXISTS articles_search_pairs ON articles USING gin (feedhub_search_pairs(search_document, search_config))"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# farm_require NAME FEEDS: stops NAME when the farm's tools are missing; generates FEEDS feeds under $FARM once.
farm_require() {
  local name=$1 feeds=$2
  if [ ! -f "$farm_tool/farm_server.js" ]; then
    echo "$name: the feed farm is missing: this benchmark needs the team's shared tools at ../shared/tools/farm" \
      "(beside the repository, as /work/shared is; a fresh clone has none)" >&2
    exit 2
  fi
  export FARM="${FARM:-${TMPDIR:-/tmp}/feedhub-farm}"
  if [ ! -f "$FARM/feeds/$((feeds - 1)).xml" ]; then
    echo "$name: generating $feeds farm feeds under $FARM (once; about a minute per 2,000 feeds)" >&2
    python3 "$farm_tool/gen_feeds.py" --n "$feeds" --out "$FARM" >&2
  fi
}

# farm_start [FARM_SERVER_OPTIONS...]: a farm server of our own on a free port, whose root holds only a link to the
# feeds (its pid file stays out of the shared $FARM); sets farm_url once it answers. Options such as
# `--err-frac 0.05 --slow-frac 0.01` make some feeds fail or answer late (deterministically per feed).
farm_start() {
  local port root
  root=$(mktemp -d "$work/farm.XXXXXX")
  ln -s "$FARM/feeds" "$root/feeds"
  port=$(free_port)
  node "$farm_tool/farm_server.js" --port "$port" --root "$root" --lat-min 50 --lat-max 200 --ttl 14400 "$@" \
    2>"$root.log" &
  pids+=($!)
  farm_url="http://127.0.0.1:$port"
  for _ in $(seq 1 100); do curl -fs "$farm_url/stats" >/dev/null 2>&1 && break; sleep 0.1; done
}

# farm_opml FEEDS FILE: the first FEEDS feeds at $farm_url as an OPML file to import. Article pages are not fetched
# (extraction "never", a source setting FeedHub's OPML carries): the floor fetches the feeds only, and the farm's
# article links lead nowhere.
farm_opml() {
  {
    echo '<?xml version="1.0"?><opml version="2.0" xmlns:feedhub="urn:x-feedhub:opml:1"><head><title>farm</title></head><body>'
    seq 0 $(($1 - 1)) | sed "s|.*|<outline type=\"rss\" text=\"$farm_url/feeds/&.xml\" xmlUrl=\"$farm_url/feeds/&.xml\" feedhub:extraction=\"never\"/>|"
    echo '</body></opml>'
  } >"$2"
}

# farm_curl_configs FEEDS COLD_CFG REVALIDATE_CFG: curl configurations (curl -K) for the floor beside FeedHub: every one
# of the first FEEDS feeds at $farm_url once, plain; and every feed with its validator (the farm's ETag is the file's
# mtime and size in hex, as farm_server.js and nginx make it), so all answer 304 like FeedHub's re-poll.
farm_curl_configs() {
  python3 - "$FARM/feeds" "$farm_url" "$1" "$2" "$3" <<'PY'
import os, sys
feeds, url, n, cold, revalidate = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
common = 'output = "/dev/null"\nsilent\ncompressed\nmax-time = 30\nwrite-out = "%{http_code}\\n"\n'
with open(cold, "w") as c, open(revalidate, "w") as r:
    for i in range(n):
        st = os.stat(f"{feeds}/{i}.xml")
        sep = "next\n" if i else ""
        c.write(f'{sep}url = "{url}/feeds/{i}.xml"\n{common}')
        r.write(f'{sep}url = "{url}/feeds/{i}.xml"\n{common}header = "If-None-Match: \\"{int(st.st_mtime):x}-{st.st_size:x}\\""\n')
PY
}

# wait_until_cpu_rests PID: returns once PID has used under 0.1 s of CPU in 2 s: a serve's round is over when its
# last feeds are stored, which the farm's request count alone does not tell.
wait_until_cpu_rests() {
  local prev cur
  cpu_seconds() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"; }
  prev=$(cpu_seconds "$1")
  while :; do
    sleep 2
    cur=$(cpu_seconds "$1")
    [ "$(bc <<<"$cur - $prev < 0.1")" = 1 ] && return
    prev=$cur
  done
}

# build_feedhub: the Release build every polling benchmark measures (src/FeedHub/bin/Release/net10.0/feedhub.dll).
build_feedhub() {
  echo "${0##*/}: building FeedHub (Release)" >&2
  dotnet build -c Release src/FeedHub >"$work/build.log" 2>&1 || { tail -20 "$work/build.log" >&2; exit 1; }
}

# name_builds [BASELINE_DLL]: the builds to measure, in $builds, and their feedhub.dll in $dll: this one, and another
# build given as a baseline.
name_builds() {
  builds=(this)
  declare -gA dll=([this]=src/FeedHub/bin/Release/net10.0/feedhub.dll)
  if [ -n "${1:-}" ]; then builds=(baseline this); dll[baseline]=$1; fi
}

# snapshot_builds: copies each build's output folder (the one holding its feedhub.dll in $dll) to $work/builds/NAME and
# points $dll there. A build read from where it was built changes under the run when that worktree is built again (main
# merged and built, a helper's own worktree built while its benchmark runs), between one rep and the next.
snapshot_builds() {
  local build
  for build in "${builds[@]}"; do
    mkdir -p "$work/builds/$build"
    cp -a "$(dirname "${dll[$build]}")/." "$work/builds/$build/"
    dll[$build]=$work/builds/$build/$(basename "${dll[$build]}")
  done
}
