#!/usr/bin/env bash
# Sets up the machine (scripts/setup.sh) and runs the StreamRec demo on its embedded defaults
# (embedded Kafka broker, redis-server, MovieLens replay). Extra arguments go to `streamrec demo`,
# e.g. scripts/demo.sh --rate 20000.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bash scripts/setup.sh
echo "demo: building streamrec (Release)"
dotnet build src/Cli -c Release --no-restore --nologo --verbosity quiet
exec dotnet src/Cli/bin/Release/net10.0/streamrec.dll demo "$@"
