#!/usr/bin/env bash
# Type-checks a Grafana dashboard (default: deploy/grafana/streamrec.json) against Grafana's published
# schema types (npm @grafana/schema, pinned with typescript in deploy/grafana/typecheck/package.json):
# the JSON is embedded as a literal of type StreamRecDashboard (deploy/grafana/typecheck/dashboard-types.ts,
# which says why it is not imported) and `tsc --noEmit` checks it. A wrong field type, a missing required
# field, an unknown enum value or a misspelt field fails with tsc's message; exit status 0 when it passes.
#   scripts/check-dashboard.sh [DASHBOARD.json]
#   scripts/check-dashboard.sh --install     (only the npm install; scripts/setup.sh runs this)
# The npm packages are installed once (npm ci) into deploy/grafana/typecheck/node_modules (git-ignored)
# and reinstalled when the lock file changes. Needs node and npm (scripts/setup.sh installs them).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
install_only=false
if [ "${1:-}" = --install ]; then
  install_only=true
else
  dashboard=$(realpath "${1:-$root/deploy/grafana/streamrec.json}")
  [ -f "$dashboard" ] || { echo "check-dashboard: no file $dashboard" >&2; exit 2; }
fi
typecheck="$root/deploy/grafana/typecheck"
cd "$typecheck"

# Concurrent runs (parallel tests) must not install over each other: one npm ci at a time.
exec 9<package.json
flock 9
if [ ! -x node_modules/.bin/tsc ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "check-dashboard: npm ci in deploy/grafana/typecheck" >&2
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
flock -u 9
if [ "$install_only" = true ]; then
  echo "check-dashboard: npm packages present in deploy/grafana/typecheck/node_modules"
  exit 0
fi

# Each run checks in its own folder next to node_modules (so that module resolution finds it).
work=$(mktemp -d "$typecheck/.check.XXXXXX")
trap 'rm -rf "$work"' EXIT
{
  echo "import type { StreamRecDashboard } from '../dashboard-types';"
  echo "export const dashboard: StreamRecDashboard ="
  cat "$dashboard"
  echo ";"
} > "$work/dashboard.ts"
echo '{ "extends": "../tsconfig.json", "files": ["dashboard.ts"] }' > "$work/tsconfig.json"

# tsc reports positions in the generated file; the JSON starts on its line 3.
status=0
output=$(node_modules/.bin/tsc --noEmit -p "$work/tsconfig.json" 2>&1) || status=$?
if [ "$status" -ne 0 ]; then
  while IFS= read -r line; do
    if [[ $line =~ ^[^\ ]*dashboard\.ts\(([0-9]+),([0-9]+)\)(.*)$ ]]; then
      line="$dashboard:$((BASH_REMATCH[1] - 2)):${BASH_REMATCH[2]}${BASH_REMATCH[3]}"
    fi
    printf '%s\n' "$line"
  done <<< "$output"
  echo "check-dashboard: $dashboard does not type-check against @grafana/schema (tsc exit $status)" >&2
  exit 1
fi
echo "check-dashboard: $(basename "$dashboard") type-checks against @grafana/schema $(node -p 'require("@grafana/schema/package.json").version')"
