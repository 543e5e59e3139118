#!/usr/bin/env bash
# Obtains the ONNX Runtime native library (libonnxruntime.so.1, 1.30.0, CPU) for StreamRec.
# No Microsoft.ML.OnnxRuntime NuGet package is served on this platform, but the npm package
# onnxruntime-node ships the same native library. We take only that file out of the tarball (its
# install script is never run), check its sha256 and place it in native/ (git-ignored), where the
# build copies it next to the binaries (build/Platform.props). Idempotent: does nothing when the
# checked file is already there.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=1.30.0
sha256=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
dest="$root/native/libonnxruntime.so.1"

if [ -f "$dest" ] && echo "$sha256  $dest" | sha256sum --check --status; then
  echo "onnxruntime: $dest present (sha256 ok)"
  exit 0
fi
command -v npm >/dev/null || { echo "onnxruntime: npm is required (apt-get install -y npm)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "onnxruntime: fetching onnxruntime-node@$version with npm pack"
(cd "$work" && npm pack --silent "onnxruntime-node@$version" >/dev/null)
tar -xzf "$work/onnxruntime-node-$version.tgz" -C "$work" --strip-components=5 \
  package/bin/napi-v6/linux/x64/libonnxruntime.so.1
if ! echo "$sha256  $work/libonnxruntime.so.1" | sha256sum --check --status; then
  echo "onnxruntime: sha256 mismatch for libonnxruntime.so.1 (expected $sha256)" >&2
  exit 1
fi
mkdir -p "$root/native"
mv "$work/libonnxruntime.so.1" "$dest"
echo "onnxruntime: installed $dest (ONNX Runtime $version, sha256 ok)"
