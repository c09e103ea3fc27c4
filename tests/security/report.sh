#!/usr/bin/env bash
# Runs FeedHub's security suite and prints the README's security table (markdown, on standard output) from what its
# tests tried: each test appends its rows to $FEEDHUB_SECURITY_TABLE. The tests' own output goes to standard error.
# Exit code 0 only when every test of the suite passed. Needs root for the disk-full tests' tmpfs, as tests/run.sh.
#
#   bash tests/security/report.sh > table.md
set -uo pipefail
cd "$(dirname "$0")/../.."

rows="$(mktemp "${TMPDIR:-/tmp}/feedhub-security.XXXXXX")"
pg_started=""
cleanup() {
  rm -f "$rows"
  if [ -n "$pg_started" ]; then bash tests/postgres.sh stop "$pg_started" >&2 || true; fi
}
trap cleanup EXIT
export FEEDHUB_SECURITY_TABLE="$rows"

# The route-value cases run on PostgreSQL too.
if [ -z "${FEEDHUB_TEST_POSTGRES:-}" ]; then
  if pg_exports="$(bash tests/postgres.sh start)"; then
    eval "$pg_exports"
    pg_started="$FEEDHUB_TEST_POSTGRES_DIR"
  fi
fi

status=0
dotnet build FeedHub.sln --configuration Release >&2 || exit 1
dotnet test tests/FeedHub.Core.Tests --configuration Release --no-build \
  --filter "FullyQualifiedName~FeedHub.Core.Tests.Security|FullyQualifiedName~FeedHub.Core.Tests.Fuzzing" >&2 || status=$?
dotnet test tests/FeedHub.Tests --configuration Release --no-build \
  --filter "FullyQualifiedName~FeedHub.Tests.Security|FullyQualifiedName~FeedHub.Tests.Web.RouteBoundsTests|FullyQualifiedName~FeedHub.Tests.Browser.XssBrowserTests" >&2 || status=$?

echo "| class | what was tried | tried | refused or survived | what FeedHub did or said |"
echo "|---|---|--:|--:|---|"
sort -t "$(printf '\t')" -k1,1 -s "$rows" | awk -F '\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
exit "$status"
