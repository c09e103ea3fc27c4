#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests and benchmarks: its own data directory, a free 127.0.0.1 port,
# fsync off, started in about a second and stopped by its pid.
#
#   eval "$(tests/postgres.sh start)"     # installs Debian's postgresql if needed, starts a server and prints
#                                         #   export FEEDHUB_TEST_POSTGRES='Host=127.0.0.1;Port=...;Username=postgres'
#                                         #   export FEEDHUB_TEST_POSTGRES_DIR=/tmp/feedhub-pg.XXXXXX
#   tests/postgres.sh stop "$FEEDHUB_TEST_POSTGRES_DIR"
#
# Only the export lines go to standard output; progress and errors go to standard error.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

find_bin_dir() {
  local initdb
  initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
  [ -n "$initdb" ] && dirname "$initdb"
}

install_postgres() {
  if [ "$(id -u)" -ne 0 ]; then
    log "PostgreSQL is not installed and this is not root: run 'apt-get install -y postgresql' as root first"
    exit 1
  fi
  log "installing Debian's postgresql package"
  # The package would otherwise create and start a 'main' cluster on port 5432, which the tests do not use.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    install -d /etc/postgresql-common
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  fi
  if ! apt-cache show postgresql >/dev/null 2>&1; then
    apt-get update >&2
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -o Dpkg::Options::=--force-confold postgresql >&2
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start() {
  local bin dir port attempt
  bin=$(find_bin_dir) || true
  if [ -z "$bin" ]; then
    install_postgres
    bin=$(find_bin_dir) || { log "initdb is still missing after installing postgresql"; exit 1; }
  fi

  dir=$(mktemp -d "${TMPDIR:-/tmp}/feedhub-pg.XXXXXX")
  chmod 755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres:postgres "$dir"
  fi
  as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { log "initdb failed:"; cat "$dir/initdb.log" >&2; exit 1; }

  for attempt in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    port_is_free "$port" || continue
    if as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $dir -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c max_connections=300" \
        start >&2; then
      log "PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port, data in $dir"
      echo "export FEEDHUB_TEST_POSTGRES='Host=127.0.0.1;Port=$port;Username=postgres'"
      echo "export FEEDHUB_TEST_POSTGRES_DIR='$dir'"
      return 0
    fi
    log "start on port $port failed (attempt $attempt):"
    tail -5 "$dir/postgres.log" >&2 || true
  done
  log "could not start PostgreSQL"
  exit 1
}

stop() {
  local dir=${1:?usage: postgres.sh stop DIR}
  local pid_file="$dir/data/postmaster.pid" pid
  if [ -f "$pid_file" ]; then
    pid=$(head -1 "$pid_file")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
  fi
  # Only ever a directory this script made.
  case "$(basename "$dir")" in
    feedhub-pg.*) rm -rf "$dir" ;;
  esac
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
