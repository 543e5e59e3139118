#!/usr/bin/env bash
# Builds helm-render into artifacts/tools/helm-render, offline: GOPATH mode against Debian's Go
# packages (golang-go, golang-github-masterminds-sprig-dev, golang-k8s-sigs-yaml-dev,
# golang-gopkg-yaml.v3-dev, installed by scripts/setup.sh), because no Go module proxy is reachable.
# Rebuilds only when the sources, the Go toolchain or those packages changed (a sha256 stamp beside
# the binary); prints the binary's path on stdout.
#   GO_TEST=1 bash tools/helm-render/build.sh   also runs the Go tests first.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/artifacts/tools"
bin="$out/helm-render"
stamp="$out/helm-render.sha256"

command -v go >/dev/null || { echo "helm-render: go not found; run scripts/setup.sh" >&2; exit 1; }
[ -d /usr/share/gocode/src/github.com/Masterminds/sprig ] \
  || { echo "helm-render: Debian's Go libraries are missing; run scripts/setup.sh" >&2; exit 1; }

mkdir -p "$out/gopath"
export GO111MODULE=off GOPATH="$out/gopath:/usr/share/gocode" GOPROXY=off GOFLAGS=
# The build cache lives beside the binary unless the caller has one: no dependence on $HOME.
export GOCACHE="${GOCACHE:-$out/go-cache}"

if [ "${GO_TEST:-}" = 1 ]; then
  (cd "$here" && go test ./...) >&2
fi

sum=$( {
  cd "$here"
  find . -path ./testdata -prune -o -type f \( -name '*.go' -o -name go.mod -o -name build.sh \) -print \
    | LC_ALL=C sort | xargs sha256sum
  go version
  dpkg-query -W golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev golang-gopkg-yaml.v3-dev 2>/dev/null || true
} | sha256sum | cut -d' ' -f1)

if [ -x "$bin" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
  echo "$bin"
  exit 0
fi
(cd "$here" && go build -o "$bin.tmp" .)
mv "$bin.tmp" "$bin"
echo "$sum" > "$stamp"
echo "$bin"
