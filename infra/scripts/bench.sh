#!/usr/bin/env bash
# `make bench`: runs the sync and provisioning benchmarks against their own AWS stand-in and
# prints the figures.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
run_dir="$root/.run/bench-$$"
mkdir -p "$run_dir"
"$root/infra/local/setup.sh"
cargo build --quiet -p skyforge-e2e --bin sync-bench --bin runs-bench
cargo build --quiet -p skyforge-local
port=$("$root/infra/scripts/free-port")
trap '"$root/infra/local/moto.sh" stop "$run_dir/moto.pid"' EXIT
"$root/infra/local/moto.sh" start "$port" "$run_dir/moto.pid"
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
cargo run --quiet -p skyforge-e2e --bin sync-bench
# provisioning: log latency to a WebSocket client and runs started per second (real Terraform,
# offline sandbox module, through the local runtime)
target_dir=$(cargo metadata --format-version 1 --no-deps | "$root/.venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
SKYFORGE_LOCAL_BIN="$target_dir/debug/skyforge-local" cargo run --quiet -p skyforge-e2e --bin runs-bench
