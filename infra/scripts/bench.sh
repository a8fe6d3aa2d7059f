#!/usr/bin/env bash
# `make bench`: runs the dashboard, sync and provisioning benchmarks against their own AWS
# stand-in and prints the figures. SKYFORGE_BENCH=dashboard, sync or runs runs only that one.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
run_dir="$root/.run/bench-$$"
mkdir -p "$run_dir"
"$root/infra/local/setup.sh"
which=${SKYFORGE_BENCH:-all}
# the same build as make up and make test; the benchmarks run the binaries it made
target_dir=$("$root/infra/scripts/build.sh")
port=$("$root/infra/scripts/free-port")
trap '"$root/infra/local/moto.sh" stop "$run_dir/moto.pid"' EXIT
"$root/infra/local/moto.sh" start "$port" "$run_dir/moto.pid"
export AWS_ENDPOINT_URL="http://127.0.0.1:$port" AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1
export SKYFORGE_GCS_EMULATOR="$root/.venv/bin/gcp-storage-emulator"
# the dashboard first: it wants a stand-in that holds only its own 10,000 resources
if [[ $which == all || $which == dashboard ]]; then
  SKYFORGE_LOCAL_BIN="$target_dir/debug/skyforge-local" "$root/infra/scripts/web.sh" bench
fi
if [[ $which == all || $which == sync ]]; then
  "$target_dir/debug/sync-bench"
fi
# provisioning: log latency to a WebSocket client and runs started per second (real Terraform,
# offline sandbox module, through the local runtime)
if [[ $which == all || $which == runs ]]; then
  SKYFORGE_LOCAL_BIN="$target_dir/debug/skyforge-local" "$target_dir/debug/runs-bench"
fi
