#!/usr/bin/env bash
# The whole performance table of issue 8 in one run, so that every ratio is against a raw limit
# measured on the same machine in the same run (these machines are noisy):
#   raw limits   bench/raw-limits.sh (kcat produce/consume vs the embedded broker, redis-benchmark incl.
#                EVALSHA, raw ONNX Runtime rows/s) and streamrec-bench topk (raw SIMD dot-product rate)
#   each stage   streamrec-bench ingest | embed | drift | recommend, each with its own raw limit
#   end to end   streamrec-bench e2e, fused and split in one run: maximum sustained events/s, latency
#                p50/p90/p99 at 10,000 events/s and at half the maximum sustained
# Every section's full table is printed, then one summary table. Progress goes to stderr.
# Usage: bench/all.sh [--quick]     (full: about 14 minutes; --quick: about 5)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
quick=0
case "${1:-}" in
  --quick) quick=1 ;;
  "") ;;
  *) echo "usage: bench/all.sh [--quick]" >&2; exit 2 ;;
esac

for tool in kcat redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "all: $tool missing: run scripts/setup.sh" >&2; exit 1; }
done
model=data/models/encoder.onnx
[ -f "$model" ] || { echo "all: no encoder at $model: run 'streamrec train-encoder' (or scripts/demo.sh once)" >&2; exit 1; }

echo "all: building (Release)" >&2
dotnet build src/Cli -c Release --nologo --verbosity quiet >&2
dotnet build bench/StreamRec.Benchmarks -c Release --nologo --verbosity quiet >&2
bench=(dotnet bench/StreamRec.Benchmarks/bin/Release/net10.0/streamrec-bench.dll)

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
started=$(date +%s)

section() { # name, command...
  local name=$1; shift
  local t0; t0=$(date +%s)
  echo "all: $name ..." >&2
  "$@" >"$out/$name.md"
  echo "all: $name done in $(( $(date +%s) - t0 )) s" >&2
}

if [ "$quick" = 1 ]; then
  section raw env SKIP_BUILD=1 REPEAT=1 MESSAGES=100000 bash bench/raw-limits.sh
  section topk "${bench[@]}" topk --sizes 10000 --repetitions 3
  section ingest "${bench[@]}" ingest --events 50000 --repetitions 1
  section embed "${bench[@]}" embed --model "$model" --batches 32,256 --repetitions 3 --capacities 50000
  section drift "${bench[@]}" drift --repetitions 1 --events 25600 --users 100000 --stage-events 50000
  section recommend "${bench[@]}" recommend --mutations 2000 --repetitions 1
  section e2e "${bench[@]}" e2e --topology fused,split --saturate-seconds 8 --step-seconds 6 --steps 60,80,100,120 --latency-seconds 15 --kcat-messages 50000 --repetitions 1
else
  section raw env SKIP_BUILD=1 REPEAT=3 MESSAGES=200000 bash bench/raw-limits.sh
  section topk "${bench[@]}" topk --sizes 10000,100000 --repetitions 5
  section ingest "${bench[@]}" ingest --events 100000 --repetitions 3
  section embed "${bench[@]}" embed --model "$model" --batches 32,256 --repetitions 5 --capacities 50000
  section drift "${bench[@]}" drift --repetitions 3 --events 51200 --users 671,100000 --stage-events 100000
  section recommend "${bench[@]}" recommend --mutations 5000 --repetitions 3
  section e2e "${bench[@]}" e2e --topology fused,split --saturate-seconds 20 --step-seconds 12 --steps 60,70,80,90,100,110,120 --latency-seconds 30 --kcat-messages 200000 --repetitions 3
fi

# --- the sections' own tables -------------------------------------------------------------------
printf '# StreamRec performance, %s, %s (%s cores)%s\n' "$(date -u +%Y-%m-%d)" "$(hostname)" "$(nproc)" "$([ "$quick" = 1 ] && echo ', quick mode')"
for name in raw topk ingest embed drift recommend e2e; do
  printf '\n## %s\n\n' "$name"
  cat "$out/$name.md"
done

# --- the summary ---------------------------------------------------------------------------------
# cell FILE PATTERN N: the Nth cell (1-based) of the first markdown table row containing PATTERN.
cell() { grep -F -m1 -- "$2" "$out/$1" | awk -F'|' -v n="$3" '{ gsub(/^ +| +$/, "", $(n + 1)); print $(n + 1) }'; }
# plain FILE PATTERN: the last field of raw-limits.sh's plain-text line containing PATTERN.
plain() { grep -F -m1 -- "$2" "$out/$1" | awk 'function commas(x,  s, r) { s = sprintf("%.0f", x); r = ""; while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) } return s r } { print commas($NF) }'; }

printf '\n## Summary\n\n'
printf '| what | figure | raw limit it is compared with (same run) | ratio |\n|---|---:|---|---:|\n'
printf '| raw: kcat produce -> embedded broker | %s msg/s | | |\n' "$(plain raw.md 'kcat produce')"
printf '| raw: kcat consume <- embedded broker | %s msg/s | | |\n' "$(plain raw.md 'kcat consume')"
printf '| raw: redis-benchmark EVALSHA -P 64 (one-line HINCRBY script) | %s ops/s | | |\n' "$(plain raw.md 'EVALSHA')"
printf '| raw: redis-benchmark SET, 1 client, no pipelining | %s ops/s | | |\n' "$(plain raw.md '1 client')"
printf '| raw: ONNX Runtime encoder, batch 256, 1 thread | %s rows/s | | |\n' "$(cell raw.md '|   256 |' 2)"
printf '| raw: SIMD dot products, 10k x 64 catalog | %s rows/s | | |\n' "$(cell topk.md 'raw dot-product bound' 3)"
printf '| Ingest stage | %s events/s | bare Confluent consumer %s records/s | %s |\n' \
  "$(cell ingest.md 'Ingest stage' 2)" "$(cell ingest.md 'raw consume, Confluent' 2)" "$(cell ingest.md 'Ingest stage' 5)"
printf '| Embedder, batch 256 (cache off) | %s rows/s | raw ONNX Runtime %s rows/s | %s |\n' \
  "$(cell embed.md '|   256 |' 2)" "$(cell embed.md '|   256 |' 3)" "$(cell embed.md '|   256 |' 4)"
printf '| DriftDetector stage (10,000 users) | %s events/s | redis-benchmark EVALSHA of its state script %s scripts/s | %s |\n' \
  "$(cell drift.md 'drift stage:' 2)" "$(cell drift.md 'raw: redis-benchmark EVALSHA' 2)" "$(cell drift.md 'drift stage:' 6)"
printf '| Recommender stage (catalog 9,066) | %s mutations/s | raw dot-product bound over the catalog %s rows/s; in-memory private top-10 %s releases/s | %s of the dot bound |\n' \
  "$(cell recommend.md 'recommend stage' 2)" "$(cell recommend.md 'raw dot-product bound over the catalog' 2)" "$(cell recommend.md 'in memory' 2)" \
  "$(cell recommend.md 'recommend stage' 6)"
# The e2e side-by-side table: | variant | closed loop | CPU us/event | max sustained | / kcat | / bare consume | / bare produce | bytes/event | latency at | p50 / p90 / p99 / max | ...
for topology in fused split; do
  printf '| end to end, %s: maximum sustained | %s events/s | kcat consume %s msg/s; bare Confluent consumer %s records/s | %s; %s |\n' "$topology" \
    "$(cell e2e.md "| $topology |" 4 | tr -d '*')" "$(cell e2e.md 'raw: kcat consume' 2)" "$(cell e2e.md 'raw: bare Confluent consumer (StreamRec' 2)" \
    "$(cell e2e.md "| $topology |" 5)" "$(cell e2e.md "| $topology |" 6)"
  printf '| end to end, %s: event -> mutation record received at %s, p50 / p90 / p99 / max | %s ms | target (fused) p99 <= 100 ms | |\n' "$topology" \
    "$(cell e2e.md "| $topology |" 9)" "$(cell e2e.md "| $topology |" 10 | tr -d '*')"
done
printf '\n%s\n' "$(grep -F -m1 'Latency at a fixed offered load' "$out/e2e.md")"
printf 'Finished in %s s.\n' "$(( $(date +%s) - started ))"
