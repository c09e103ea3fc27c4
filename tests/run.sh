#!/usr/bin/env bash
# Runs FeedHub's whole test suite on this machine: restores, builds, runs every test project, and ends with
# the line "N passed, N failed" counted from the test results. Exit code 0 only when nothing failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# Browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing chromium for the browser tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "the browser tests need /usr/bin/chromium: sudo apt-get install -y chromium" >&2
  fi
fi

# The feed reader tests subscribe with real clients: newsboat and Universal Feed Parser (Debian), feedsmith (npm).
if [ ! -x /usr/bin/newsboat ] || ! /usr/bin/python3 -c 'import feedparser' 2>/dev/null; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing newsboat and python3-feedparser for the feed reader tests..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq newsboat python3-feedparser >/dev/null
  else
    echo "the feed reader tests need: sudo apt-get install -y newsboat python3-feedparser" >&2
  fi
fi
if ! command -v npm >/dev/null && [ "$(id -u)" -eq 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
(cd tests/readers && npm ci --no-audit --no-fund --silent) || echo "npm ci in tests/readers failed: the feed reader tests will fail" >&2

# The PostgreSQL store's tests run against a throwaway server started here and stopped on exit.
pg_started=""
if [ -z "${FEEDHUB_TEST_POSTGRES:-}" ]; then
  if pg_exports="$(bash tests/postgres.sh start)"; then
    eval "$pg_exports"
    pg_started="$FEEDHUB_TEST_POSTGRES_DIR"
  else
    echo "could not start PostgreSQL: its tests will fail" >&2
  fi
fi

results="$(mktemp -d "${TMPDIR:-/tmp}/feedhub-tests.XXXXXX")"
# Tests append what they measured (the issues' acceptance figures, never asserted) here; printed at the end.
export FEEDHUB_TEST_FIGURES="$results/figures.txt"
cleanup() {
  rm -rf "$results"
  if [ -n "$pg_started" ]; then bash tests/postgres.sh stop "$pg_started" || true; fi
}
trap cleanup EXIT

status=0
dotnet build FeedHub.sln --configuration Release || status=$?
if [ "$status" -eq 0 ]; then
  for project in tests/*.Tests/*.Tests.csproj; do
    name="$(basename "$project" .csproj)"
    dotnet test "$project" --configuration Release --no-build --logger "trx;LogFileName=$name.trx" \
      --results-directory "$results" -- RunConfiguration.TestSessionTimeout=2400000 || status=$?
  done
fi

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before any result was written: count it as a failure.
  failed=1
fi
if [ -s "$FEEDHUB_TEST_FIGURES" ]; then
  echo "figures measured by the tests:"
  sed 's/^/  /' "$FEEDHUB_TEST_FIGURES"
fi
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
