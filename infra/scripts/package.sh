#!/usr/bin/env bash
# `make package`: release builds of every function as Lambda zips with cargo lambda, then each
# one's binary and zip size and its cold start (through a local Lambda Runtime API emulator,
# against a moto server of its own). Builds for the host's architecture here (x86_64), and for
# arm64 too where `rustup target add aarch64-unknown-linux-gnu` has been run. Not part of
# `make test`: a release build takes about 20 minutes on two cores.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
run_dir="$root/.run/package-$$"
mkdir -p "$run_dir"

"$root/infra/local/setup.sh" --package
export PATH="$root/.venv/bin:$PATH"

target_dir=$(cargo metadata --format-version 1 --no-deps | "$root/.venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
packages=()
for dir in "$root"/functions/*/; do packages+=(-p "$(basename "$dir")"); done

archs=(x86-64)
if rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu; then
  archs+=(arm64)
else
  echo "package: arm64 skipped (no aarch64-unknown-linux-gnu target; rustup target add it on a machine that can download)"
fi

for arch in "${archs[@]}"; do
  out="$target_dir/lambda-$arch"
  echo "==> cargo lambda build --release --$arch (zips in $out)"
  cargo lambda build --release "--$arch" --output-format zip --lambda-dir "$out" "${packages[@]}"
done

port=$("$root/infra/scripts/free-port")
trap '"$root/infra/local/moto.sh" stop "$run_dir/moto.pid"' EXIT
"$root/infra/local/moto.sh" start "$port" "$run_dir/moto.pid"
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
# the workspace build, so the heavy SDKs are not compiled a second time with other features
"$root/infra/scripts/build.sh" >/dev/null
for arch in "${archs[@]}"; do
  # only the host's architecture runs here
  [[ "$arch" == "x86-64" && "$(uname -m)" == "x86_64" ]] || [[ "$arch" == "arm64" && "$(uname -m)" == "aarch64" ]] || continue
  echo "==> sizes and cold starts ($arch)"
  triple=$([[ "$arch" == arm64 ]] && echo aarch64-unknown-linux-gnu || echo x86_64-unknown-linux-gnu)
  "$target_dir/debug/lambda-bench" "$target_dir/lambda-$arch" "$target_dir/$triple/release"
done
