#!/usr/bin/env bash
# GPU check of the embedder: rows/s of the encoder on ONNX Runtime's CUDA provider and on its CPU
# provider, measured in one run on the same machine, at batch 32, 256 and 1024.
#
# No machine of the project has a GPU, and a GPU machine may have no .NET SDK, so the check travels as
# a self-contained bundle:
#
#   bash scripts/gpu-check.sh publish [--out DIR] [--model PATH]
#       Here, with the .NET SDK: publishes bench/StreamRec.Benchmarks self-contained for linux-x64 with
#       the GPU build of ONNX Runtime (-p:OnnxRuntimeGpu=true), adds the encoder (default
#       data/models/encoder.onnx; without one the benchmark uses random weights of the same size) and
#       MovieLens (the benchmark's items), and writes to DIR (default artifacts/gpu-check): the
#       compressed bundle split into parts under 60 MB, SHA256SUMS, and this script.
#
#   bash gpu-check.sh run [--parts DIR] [--work DIR] [--threads N] [--repetitions N]
#       On the GPU machine, from the copied DIR: checks the parts against SHA256SUMS, reassembles and
#       unpacks them, runs `streamrec-bench embed` with --provider cuda and with --provider cpu, and
#       prints one table. Needs an NVIDIA driver, the CUDA 13 runtime (libcudart.so.13,
#       libcublas.so.13, libcublasLt.so.13, libcurand.so.10) and cuDNN 9: ONNX Runtime 1.32's CUDA
#       provider links exactly those. If they come from Python wheels (nvidia-* packages), their
#       site-packages/nvidia/*/lib folders are added to LD_LIBRARY_PATH.
#       Exit status: 0 both providers measured; 3 CUDA unavailable (the reason is printed, the CPU rows
#       still are); 1 the CPU run failed too.
set -euo pipefail

script=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/$(basename "${BASH_SOURCE[0]}")
bundle_name=streamrec-gpu-check
batches=32,256,1024

usage() {
  sed -n '2,/^set -euo/p' "$script" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# --- publish ------------------------------------------------------------------------------------

publish() {
  local root out model
  root=$(cd "$(dirname "$script")/.." && pwd)
  out=$root/artifacts/gpu-check
  model=$root/data/models/encoder.onnx
  while [ $# -gt 0 ]; do
    case $1 in
      --out) out=$2; shift 2 ;;
      --model) model=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  command -v dotnet >/dev/null || { echo "gpu-check: publish needs the .NET SDK (dotnet)" >&2; exit 1; }
  local data=$root/data/ml-latest-small
  for f in movies.csv ratings.csv; do
    [ -f "$data/$f" ] || { echo "gpu-check: $data/$f is missing; run scripts/get-movielens.sh" >&2; exit 1; }
  done

  mkdir -p "$out"
  out=$(cd "$out" && pwd)
  local staging=$out/staging
  rm -rf "$staging" "$out"/"$bundle_name".tar.* "$out/SHA256SUMS"
  mkdir -p "$staging/$bundle_name/data/ml-latest-small"

  # Its own artifacts path: the GPU build's obj/ and bin/ must not replace the CPU build's
  # (bin/Release/net10.0 of every project), which scripts and tests use.
  echo "gpu-check: publishing streamrec-bench (self-contained, linux-x64, ONNX Runtime GPU build)"
  dotnet publish "$root/bench/StreamRec.Benchmarks" -c Release -r linux-x64 --self-contained \
    -p:OnnxRuntimeGpu=true --artifacts-path "$out/build" --nologo -v q \
    -o "$staging/$bundle_name/bin"
  for lib in libonnxruntime.so libonnxruntime_providers_shared.so libonnxruntime_providers_cuda.so; do
    [ -f "$staging/$bundle_name/bin/$lib" ] || { echo "gpu-check: the publish has no $lib" >&2; exit 1; }
  done

  cp "$data/movies.csv" "$data/ratings.csv" "$staging/$bundle_name/data/ml-latest-small/"
  if [ -f "$model" ]; then
    cp "$model" "$staging/$bundle_name/data/encoder.onnx"
    echo "gpu-check: encoder $model"
  else
    echo "gpu-check: no encoder at $model: the benchmark will use random weights of the default size"
  fi

  local compress ext
  if command -v zstd >/dev/null; then compress=(zstd -q -T0 -12); ext=zst
  elif command -v xz >/dev/null; then compress=(xz -T0 -9); ext=xz
  else compress=(gzip -9); ext=gz
  fi
  local archive=$bundle_name.tar.$ext
  echo "gpu-check: packing $archive"
  tar -C "$staging" -cf - "$bundle_name" | "${compress[@]}" >"$out/$archive"
  # Parts under 60 MB each, for transfers that limit the size of a file.
  (cd "$out" && split -b 55M -d -a 2 "$archive" "$archive.part-" && rm "$archive" \
    && sha256sum "$archive".part-* >SHA256SUMS)
  cp "$script" "$out/gpu-check.sh"
  rm -rf "$staging"
  echo "gpu-check: copy these to the GPU machine, then run: bash gpu-check.sh run"
  (cd "$out" && ls -l "$archive".part-* SHA256SUMS gpu-check.sh)
}

# --- run ----------------------------------------------------------------------------------------

# site-packages/nvidia/*/lib of every Python found: the CUDA and cuDNN wheels (nvidia-cuda-runtime,
# nvidia-cublas, nvidia-cudnn-cu13, ...) keep their libraries there, where the loader does not look.
add_python_cuda_libraries() {
  local dirs=() python site lib
  for python in python3 python; do
    command -v "$python" >/dev/null || continue
    while IFS= read -r site; do
      [ -n "$site" ] && dirs+=("$site")
    done < <("$python" -c 'import site, sys
for p in site.getsitepackages() + [site.getusersitepackages()] + sys.path: print(p)' 2>/dev/null || true)
  done
  [ -n "${VIRTUAL_ENV:-}" ] && dirs+=("$VIRTUAL_ENV"/lib/python3*/site-packages)
  local added=()
  for site in "${dirs[@]}"; do
    for lib in "$site"/nvidia/*/lib; do
      [ -d "$lib" ] || continue
      case ":${LD_LIBRARY_PATH:-}:" in *":$lib:"*) continue ;; esac
      LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
      added+=("$lib")
    done
  done
  export LD_LIBRARY_PATH
  if [ ${#added[@]} -gt 0 ]; then
    echo "gpu-check: CUDA libraries from Python wheels added to LD_LIBRARY_PATH:"
    printf '  %s\n' "${added[@]}"
  fi
}

# Where the loader would find a library: LD_LIBRARY_PATH first, then the ldconfig cache.
find_library() {
  local name=$1 dir
  local IFS=:
  for dir in ${LD_LIBRARY_PATH:-}; do
    [ -n "$dir" ] && [ -e "$dir/$name" ] && { echo "$dir/$name"; return 0; }
  done
  ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n { print $NF; exit }'
}

# The rows of the throughput table of `streamrec-bench embed` as "batch embedder raw".
throughput_rows() {
  awk -F'|' '
    /^\| batch \|/ { table = 1; next }
    table && /^\|-/ { next }
    table && /^\|/ { gsub(/[ ,]/, "", $2); gsub(/[ ,]/, "", $3); gsub(/[ ,]/, "", $4); print $2, $3, $4; next }
    table { exit }' "$1"
}

run() {
  local parts work threads=1 repetitions=5
  parts=$(dirname "$script")
  work=
  while [ $# -gt 0 ]; do
    case $1 in
      --parts) parts=$2; shift 2 ;;
      --work) work=$2; shift 2 ;;
      --threads) threads=$2; shift 2 ;;
      --repetitions) repetitions=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  parts=$(cd "$parts" && pwd)
  [ -f "$parts/SHA256SUMS" ] || { echo "gpu-check: no SHA256SUMS in $parts (run 'publish' first and copy its output here)" >&2; exit 1; }
  [ -n "$work" ] || work=$(mktemp -d "${TMPDIR:-/tmp}/streamrec-gpu-check.XXXXXX")
  mkdir -p "$work"

  echo "gpu-check: verifying the parts"
  (cd "$parts" && sha256sum --quiet --check SHA256SUMS)
  local first archive
  first=$(awk 'NR == 1 { print $2 }' "$parts/SHA256SUMS")
  archive=${first%.part-*}
  local decompress
  case $archive in
    *.zst) decompress=(zstd -dc) ;;
    *.xz) decompress=(xz -dc) ;;
    *.gz) decompress=(gzip -dc) ;;
    *) echo "gpu-check: unknown archive type: $archive" >&2; exit 1 ;;
  esac
  command -v "${decompress[0]}" >/dev/null || { echo "gpu-check: ${decompress[0]} is needed to unpack $archive" >&2; exit 1; }
  echo "gpu-check: unpacking into $work"
  awk '{ print $2 }' "$parts/SHA256SUMS" | sort | (cd "$parts" && xargs cat) | "${decompress[@]}" | tar -C "$work" -xf -
  local bundle=$work/$bundle_name
  local bench=$bundle/bin/streamrec-bench

  echo
  if command -v nvidia-smi >/dev/null; then
    echo "GPU: $(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | head -n 1)"
  else
    echo "GPU: nvidia-smi not found (no NVIDIA driver?)"
  fi
  add_python_cuda_libraries
  local lib path
  for lib in libcuda.so.1 libcudart.so.13 libcublas.so.13 libcublasLt.so.13 libcurand.so.10 libcudnn.so.9; do
    path=$(find_library "$lib")
    printf '  %-18s %s\n' "$lib" "${path:-MISSING}"
  done
  echo

  local model_args=()
  [ -f "$bundle/data/encoder.onnx" ] && model_args=(--model "$bundle/data/encoder.onnx")
  export STREAMREC_DATA_DIR=$bundle/data/ml-latest-small
  # streamrec-bench exits 3 when the provider cannot be used (it never falls back to the CPU).
  local provider rc status=()
  for provider in cuda cpu; do
    echo "gpu-check: embed benchmark on the $provider provider (a few minutes)"
    rc=0
    "$bench" embed --provider "$provider" --threads "$threads" --batches "$batches" \
      --repetitions "$repetitions" --capacities 50000 "${model_args[@]}" \
      >"$work/$provider.md" 2>"$work/$provider.log" || rc=$?
    status+=("$rc")
    case $rc in
      0) ;;
      3) echo "gpu-check: the $provider provider is unavailable here:" >&2
         # ONNX Runtime's own log line names the library that failed to load.
         grep -E 'cannot be used|cannot open shared object' "$work/$provider.log" | sed 's/\x1b\[[0-9;]*m//g; s/^/  /' >&2 ;;
      *) echo "gpu-check: the $provider run failed with status $rc (log: $work/$provider.log):" >&2
         tail -n 5 "$work/$provider.log" | sed 's/^/  /' >&2 ;;
    esac
  done

  echo
  echo "# streamrec-bench embed, $threads intra-op thread(s), median of $repetitions repetitions, rows/s"
  sed -n 's/^# ONNX Runtime/# cpu run: ONNX Runtime/p' "$work/cpu.md"
  sed -n 's/^# ONNX Runtime/# cuda run: ONNX Runtime/p' "$work/cuda.md"
  echo
  echo "| batch | CUDA embedder | CUDA raw ORT | CPU embedder | CPU raw ORT |"
  echo "|------:|--------------:|-------------:|-------------:|------------:|"
  local b cuda_row cpu_row
  for b in ${batches//,/ }; do
    cuda_row=$(throughput_rows "$work/cuda.md" | awk -v b="$b" '$1 == b { print $2, $3 }')
    cpu_row=$(throughput_rows "$work/cpu.md" | awk -v b="$b" '$1 == b { print $2, $3 }')
    # shellcheck disable=SC2086 # the rows are two words each, split on purpose
    printf '| %5s | %13s | %12s | %12s | %11s |\n' "$b" \
      ${cuda_row:-unavailable unavailable} ${cpu_row:-failed failed}
  done
  echo
  echo "Full outputs: $work/cuda.md $work/cpu.md (logs: $work/cuda.log $work/cpu.log)"

  if [ "${status[1]}" != 0 ]; then
    exit 1
  fi
  if [ "${status[0]}" != 0 ]; then
    echo "CUDA: UNAVAILABLE on this machine (reason above); only the CPU rows were measured." >&2
    exit 3
  fi
  echo "CUDA: measured."
}

case ${1:-} in
  publish) shift; publish "$@" ;;
  run) shift; run "$@" ;;
  *) usage ;;
esac
