#!/usr/bin/env bash
# Measures the raw limits of StreamRec's components on this machine, in one run, so that stage
# benchmarks can be quoted as ratios against them (machines here are noisy; compare within a run).
#   kafka: kcat produce and consume rates against the embedded broker (streamrec dev-kafka)
#   redis: redis-benchmark (SET, HSET, EVALSHA; pipelined -P 64 and single round trips)
#   onnx:  raw ONNX Runtime rows/s for the encoder model at batch 1/32/256 (streamrec-bench onnx)
# Each figure is the median of REPEAT runs (default 5). Usage: bench/raw-limits.sh [--quick]
# (SKIP_BUILD=1: use the Release builds already there.)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
repeat=${REPEAT:-5}
messages=${MESSAGES:-500000}
if [ "${1:-}" = "--quick" ]; then repeat=3; messages=100000; fi

for tool in kcat redis-server redis-benchmark redis-cli; do
  command -v "$tool" >/dev/null || { echo "raw-limits: $tool missing: run scripts/setup.sh" >&2; exit 1; }
done

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
now() { date +%s.%N; }

if [ "${SKIP_BUILD:-0}" != 1 ]; then # bench/all.sh has built them already
  echo "raw-limits: building (Release)" >&2
  dotnet build src/Cli -c Release --nologo --verbosity quiet >&2
  dotnet build bench/StreamRec.Benchmarks -c Release --nologo --verbosity quiet >&2
fi
streamrec=(dotnet src/Cli/bin/Release/net10.0/streamrec.dll)

# --- Kafka: kcat against the embedded broker -------------------------------------------------------
# 32 partitions per topic keep each partition under the broker's ~5 MB per-partition retention.
topic_args=()
for r in $(seq 1 "$repeat"); do topic_args+=(--topic "raw-limits-$r:32"); done
"${streamrec[@]}" dev-kafka "${topic_args[@]}" --bootstrap-file "$work/bootstrap" >"$work/broker.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do [ -s "$work/bootstrap" ] && break; sleep 0.05; done
[ -s "$work/bootstrap" ] || { echo "raw-limits: embedded broker did not start" >&2; cat "$work/broker.log" >&2; exit 1; }
bootstrap=$(cat "$work/bootstrap")

# 200-byte values keyed like user ids.
awk -v n="$messages" 'BEGIN { pad = sprintf("%180s", ""); gsub(/ /, "x", pad); for (i = 0; i < n; i++) printf "user-%d:%d-%s\n", i % 5000, i, pad }' >"$work/records"
produce_rates=() consume_rates=()
for r in $(seq 1 "$repeat"); do
  topic="raw-limits-$r"
  start=$(now)
  kcat -P -b "$bootstrap" -t "$topic" -K: -X linger.ms=5 -X batch.num.messages=10000 \
    -X queue.buffering.max.messages=1000000 -X topic.partitioner=murmur2_random <"$work/records" 2>>"$work/kcat.log"
  produce_rates+=("$(awk -v n="$messages" -v s="$start" -v e="$(now)" 'BEGIN { printf "%.0f", n / (e - s) }')")
  start=$(now)
  got=$(kcat -C -b "$bootstrap" -t "$topic" -o beginning -e -q -f '%k\n' 2>>"$work/kcat.log" | wc -l)
  consume_rates+=("$(awk -v n="$got" -v s="$start" -v e="$(now)" 'BEGIN { printf "%.0f", n / (e - s) }')")
  [ "$got" -eq "$messages" ] || { echo "raw-limits: consumed $got of $messages records" >&2; exit 1; }
  echo "raw-limits: kafka run $r/$repeat: produce ${produce_rates[-1]} msg/s, consume ${consume_rates[-1]} msg/s" >&2
done
kafka_produce=$(printf '%s\n' "${produce_rates[@]}" | median)
kafka_consume=$(printf '%s\n' "${consume_rates[@]}" | median)

# --- Redis: redis-benchmark against a fresh server ---------------------------------------------------
port=$(awk 'BEGIN { srand(); print 20000 + int(rand() * 20000) }')
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$work/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 200); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
sha=$(redis-cli -p "$port" SCRIPT LOAD "redis.call('HINCRBY', KEYS[1], 'n', 1) return 1")
rb() { redis-benchmark -p "$port" -q -n 200000 "$@" 2>/dev/null | tr '\r' '\n' | grep -o '[0-9.]* requests per second' | tail -n 1 | cut -d' ' -f1; }
declare -A redis_runs=()
for r in $(seq 1 "$repeat"); do
  redis_runs[set_p64]+="$(rb -P 64 -t set) "
  redis_runs[hset_p64]+="$(rb -P 64 -t hset) "
  redis_runs[evalsha_p64]+="$(rb -P 64 -r 100000 EVALSHA "$sha" 1 'user:{__rand_int__}') "
  redis_runs[set_p1]+="$(rb -P 1 -t set -c 1) "
  echo "raw-limits: redis run $r/$repeat done" >&2
done
redis_median() { tr ' ' '\n' <<<"${redis_runs[$1]}" | grep -v '^$' | median | xargs printf '%.0f'; }

# --- ONNX Runtime: raw rows/s of the encoder model --------------------------------------------------
onnx_table=$(dotnet bench/StreamRec.Benchmarks/bin/Release/net10.0/streamrec-bench.dll onnx)

printf '\nRaw component limits on %s (%s cores), medians of %s runs\n' "$(hostname)" "$(nproc)" "$repeat"
printf '%-44s %14s\n' "component" "median"
printf '%-44s %14s\n' "kcat produce -> embedded broker (msg/s)" "$kafka_produce"
printf '%-44s %14s\n' "kcat consume <- embedded broker (msg/s)" "$kafka_consume"
printf '%-44s %14s\n' "redis-benchmark SET -P 64 (ops/s)" "$(redis_median set_p64)"
printf '%-44s %14s\n' "redis-benchmark HSET -P 64 (ops/s)" "$(redis_median hset_p64)"
printf '%-44s %14s\n' "redis-benchmark EVALSHA -P 64 (ops/s)" "$(redis_median evalsha_p64)"
printf '%-44s %14s\n' "redis-benchmark SET, 1 client, no pipeline" "$(redis_median set_p1)"
printf '\n%s\n' "$onnx_table"
