#!/usr/bin/env bash
# OPML import on PostgreSQL beside LiteDB: `feedhub import` of N farm feeds into an empty store, this build beside
# another (--baseline) in the same run, the builds taking turns at going first. Each import gets a fresh database (or
# LiteDB file); after it, the sources stored and the poll triggers queued in Quartz's tables are counted, so a build
# that imports fast but queues less is seen.
#
#   bash tests/bench/import.sh [--feeds N] [--rounds K] [--baseline path/to/feedhub.dll]
#
#   --feeds N      feeds in the list (default 10000); nothing is fetched, so the farm need not run
#   --rounds K     imports per build and store (default 2)
#   --baseline D   another build's feedhub.dll, measured beside this one
# Needs psql and Debian's postgresql (a server of this script's own). Everything is stopped at exit.
set -euo pipefail
cd "$(dirname "$0")/../.."

feeds=10000 rounds=2 baseline=""
usage() { grep -m1 '^#   bash tests/bench/import.sh' "$0" | sed 's/^#   /usage: /' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --feeds) feeds=${2:?}; shift 2 ;;
    --rounds) rounds=${2:?}; shift 2 ;;
    --baseline) baseline=${2:?}; shift 2 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "import.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $feeds =~ ^[0-9]+$ ]] && [ "$feeds" -gt 0 ] || { echo "import.sh: --feeds wants a positive number" >&2; usage; }
[ -z "$baseline" ] || [ -f "$baseline" ] || { echo "import.sh: no baseline build at $baseline" >&2; exit 2; }
command -v psql >/dev/null || { echo "import.sh: 'psql' is missing" >&2; exit 2; }

. tests/bench/farm.sh
work="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-import-bench.XXXXXX")"
pg_dir=""
cleanup() {
  [ -n "$pg_dir" ] && bash tests/postgres.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say() { echo "import.sh: $*" >&2; }
now() { date +%s.%N; }
load_at_start=$(cut -d' ' -f1-3 /proc/loadavg)

build_feedhub
name_builds "$baseline"

say "starting PostgreSQL"
pg_start_own

# The farm's addresses, on a port nothing listens on: an import stores and queues, it fetches nothing.
farm_url="http://127.0.0.1:9"
farm_opml "$feeds" "$work/list.opml"
common_env=(FeedHub__StarterSources= FeedHub__Fetcher__AllowPrivateNetworks=true)

declare -A seconds
for round in $(seq 1 "$rounds"); do
  order=("${builds[@]}")
  [ $((round % 2)) = 0 ] && [ "${#builds[@]}" = 2 ] && order=("${builds[1]}" "${builds[0]}")
  for build in "${order[@]}"; do
    for store in postgres litedb; do
      db="import_${build}_$round"
      if [ "$store" = postgres ]; then
        sql -c "CREATE DATABASE $db" postgres
        store_env=(FeedHub__Storage__Provider=Postgres "ConnectionStrings__Postgres=$FEEDHUB_TEST_POSTGRES;Database=$db")
      else
        store_env=(FeedHub__Storage__Provider=LiteDb "FeedHub__Storage__LiteDb__Path=$work/$db.db")
      fi
      start=$(now)
      env "${common_env[@]}" "${store_env[@]}" dotnet "${dll[$build]}" import "$work/list.opml" >"$work/import.log" 2>&1 \
        || { tail -5 "$work/import.log" >&2; exit 1; }
      took=$(bc <<<"$(now) - $start")
      counted=""
      if [ "$store" = postgres ]; then
        counted=" ($(sql -c "SELECT count(*) FROM sources" "$db") sources, $(sql -c "SELECT count(*) FROM qrtz_triggers WHERE trigger_group = 'poll'" "$db") poll triggers)"
      fi
      say "round $round: $build on $store: $(printf '%.1f' "$took") s$counted"
      seconds[$build-$store]="${seconds[$build-$store]:-} $(printf '%.1f' "$took")"
    done
  done
done

echo "import.sh: $feeds feeds, $rounds imports per build and store; load average at start $load_at_start, at end $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-9s %-9s %s\n' build store "seconds (each import)"
for build in "${builds[@]}"; do
  for store in postgres litedb; do
    printf '%-9s %-9s %s\n' "$build" "$store" "${seconds[$build-$store]# }"
  done
done
