#!/usr/bin/env bash
# `make up`: installs what is missing, builds the platform and the web app, starts the AWS
# stand-in and the local runtime with demo data, and prints the URL and the demo login.
# Ctrl-C stops everything it started.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
run_dir="$root/.run/up"
mkdir -p "$run_dir"

"$root/infra/local/setup.sh"
if [[ -f "$root/web/package.json" ]]; then
  "$root/infra/scripts/web.sh" build
fi
# the same build as make test and make bench, so running both never compiles twice
target_dir=$("$root/infra/scripts/build.sh")
bin="$target_dir/debug/skyforge-local"

moto_port=${SKYFORGE_MOTO_PORT:-$("$root/infra/scripts/free-port")}
runtime_pid=""
cleanup() {
  [[ -n "$runtime_pid" ]] && kill "$runtime_pid" 2>/dev/null && wait "$runtime_pid" 2>/dev/null || true
  "$root/infra/local/moto.sh" stop "$run_dir/moto.pid"
  echo "up: stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
"$root/infra/local/moto.sh" start "$moto_port" "$run_dir/moto.pid"

export AWS_ENDPOINT_URL="http://127.0.0.1:$moto_port"
export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-demo} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-demo}
export AWS_REGION=${AWS_REGION:-us-east-1}
export SKYFORGE_WEB_DIR=${SKYFORGE_WEB_DIR:-$root/web/dist}
# the demo GCP project's buckets: the runtime starts (and stops) this emulator
export SKYFORGE_GCS_EMULATOR="$root/.venv/bin/gcp-storage-emulator"

"$bin" serve --seed-demo &
runtime_pid=$!
wait "$runtime_pid"
