#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh) and runs every StreamRec test: unit tests and integration tests
# against real servers the tests start themselves (the embedded Kafka-protocol broker in-process,
# redis-server processes on free loopback ports). Prints a closing summary line
# "Tests: N passed, N failed, N skipped" and exits non-zero if any test failed, was skipped, or if no
# test ran at all: a test that cannot find its server is a failure, never a skip.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/setup.sh

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "test: building (Release)"
dotnet build StreamRec.sln -c Release --no-restore --nologo --verbosity quiet

# STREAMREC_TEST_KAFKA=container runs the integration tests against Apache Kafka in a container
# (Testcontainers; needs a Docker engine): the tests that need the embedded broker's fault injection are
# filtered out, not skipped.
integration_filter=()
case "${STREAMREC_TEST_KAFKA:-embedded}" in
  embedded) ;;
  container) integration_filter=(--filter "Broker!=EmbeddedOnly") ;;
  *) echo "test: STREAMREC_TEST_KAFKA='$STREAMREC_TEST_KAFKA' is not a Kafka test mode: use 'embedded' (the default) or 'container'" >&2; exit 2 ;;
esac

status=0
for project in tests/StreamRec.UnitTests tests/StreamRec.IntegrationTests; do
  name=$(basename "$project")
  filter=()
  [ "$name" = StreamRec.IntegrationTests ] && filter=("${integration_filter[@]}")
  echo "test: running $name"
  dotnet test "$project" -c Release --no-build --nologo "${filter[@]}" \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" --blame-hang-timeout 10m || status=1
done

passed=0 failed=0 skipped=0 total=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  attr() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  total=$((total + $(attr total)))
  passed=$((passed + $(attr passed)))
  failed=$((failed + $(attr failed) + $(attr error) + $(attr timeout) + $(attr aborted)))
  skipped=$((skipped + $(attr notExecuted)))
done

echo
if [ "$failed" -gt 0 ] || [ "$skipped" -gt 0 ]; then
  python3 scripts/test-failures.py "$results"/*.trx || true
fi
echo "Tests: $passed passed, $failed failed, $skipped skipped"
if [ "$total" -eq 0 ]; then
  echo "test: no test ran" >&2
  exit 1
fi
if [ "$failed" -gt 0 ] || [ "$skipped" -gt 0 ] || [ "$status" -ne 0 ]; then
  echo "test: FAILED (skipped tests count as failures)" >&2
  exit 1
fi
echo "test: all passed"
