#!/usr/bin/env bash
# Sets up a Debian 12 machine (as root, with the .NET SDK already there) for StreamRec. Idempotent: each
# step checks first and does nothing when its result is already in place.
#   1. Debian packages: kcat (Kafka CLI; StreamRec's own Kafka client library comes with the
#      Confluent.Kafka NuGet package), redis-server and redis-tools, python3-rdata (reads the MovieLens
#      data set), npm (fetches the dashboard type check's and the manifest validator's packages),
#      prometheus (the server and promtool, used by the tests), and
#      the offline Helm chart test tools: Go + Sprig + YAML libraries (tools/helm-render), yamllint,
#      shellcheck. apt-get update runs first whenever anything is missing.
#      Then tools/k8s-validate's pinned npm packages (npm ci) and the helm-render binary, each only when
#      missing or stale.
#   2. MovieLens latest-small into data/ml-latest-small (scripts/get-movielens.sh).
#   3. The npm packages of the Grafana dashboard type check (scripts/check-dashboard.sh --install).
#   4. dotnet restore (NuGet packages, ONNX Runtime's among them: build/Platform.props).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

packages=(kcat redis-server redis-tools python3-rdata prometheus
  golang-go golang-github-masterminds-sprig-dev golang-k8s-sigs-yaml-dev golang-gopkg-yaml.v3-dev
  yamllint shellcheck)
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "setup: run as root (or install sudo)" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm may come with another Node.js distribution (e.g. NodeSource's nodejs, which conflicts with
# Debian's npm package): only install Debian's when there is no npm at all.
command -v npm >/dev/null || missing+=(npm)
apt_updated=false
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  apt_updated=true
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: Debian packages present (${packages[*]})"
fi
# A redis-server installed from the package may have started as a service; StreamRec starts its own
# servers on free ports and does not need it.

bash tools/k8s-validate/install.sh
# An assignment, so that a failed build stops setup (set -e ignores failures inside echo's arguments).
helm_render=$(bash tools/helm-render/build.sh)
echo "setup: helm-render at $helm_render"

if ! bash scripts/get-movielens.sh >/dev/null 2>&1; then
  # The data set comes from an apt package download, which needs fresh package lists.
  if [ "$apt_updated" = false ]; then
    "${sudo_cmd[@]}" apt-get update -qq
  fi
fi
bash scripts/get-movielens.sh

bash scripts/check-dashboard.sh --install

echo "setup: dotnet restore"
dotnet restore StreamRec.sln --verbosity quiet
echo "setup: done"
