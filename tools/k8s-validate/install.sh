#!/usr/bin/env bash
# Installs the pinned npm packages of tools/k8s-validate (package-lock.json) into its node_modules,
# with `npm ci`, only when node_modules is missing or was installed from another package-lock.json
# (a sha256 stamp in node_modules). Uses npm's cache first, so a reinstall needs no registry access
# when the packages were fetched before. Called by scripts/setup.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$here"
command -v npm >/dev/null || { echo "k8s-validate: npm not found; run scripts/setup.sh" >&2; exit 1; }

stamp=node_modules/.streamrec-lock.sha256
sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  echo "k8s-validate: node_modules up to date"
  exit 0
fi
echo "k8s-validate: npm ci"
npm ci --prefer-offline --no-audit --no-fund --loglevel=error >/dev/null
echo "$sum" > "$stamp"
