#!/usr/bin/env bash
# `make test`: installs what is missing, starts its own AWS stand-in on a free port, runs every
# test (Rust unit, adapter and end-to-end tests; web unit and browser tests; Terraform checks),
# stops what it started, and exits non-zero on any failure.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
run_dir="$root/.run/test-$$"
mkdir -p "$run_dir"

"$root/infra/local/setup.sh" --checks

port=$("$root/infra/scripts/free-port")
cleanup() { "$root/infra/local/moto.sh" stop "$run_dir/moto.pid"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
"$root/infra/local/moto.sh" start "$port" "$run_dir/moto.pid"
echo "test: AWS stand-in (moto) on 127.0.0.1:$port, pid $(cat "$run_dir/moto.pid")"

export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
unset AWS_PROFILE AWS_SESSION_TOKEN
export RUST_BACKTRACE=1
# each Azure/GCP test starts its own Cloud Storage emulator from the venv
export SKYFORGE_GCS_EMULATOR="$root/.venv/bin/gcp-storage-emulator"

status=0
step() {
  echo "==> $*"
  "$@" || { echo "FAILED: $*" >&2; status=1; }
}

# the end-to-end tests start the real local runtime: build it first (a test run alone does not)
# (the same build as make up and make bench: see infra/scripts/build.sh)
target_dir=$("$root/infra/scripts/build.sh") || { echo "FAILED: build" >&2; exit 1; }
export SKYFORGE_LOCAL_BIN="$target_dir/debug/skyforge-local"

if cargo nextest --version >/dev/null 2>&1; then
  step cargo nextest run --workspace --no-fail-fast
else
  step cargo test --workspace --no-fail-fast
fi
# the OpenAPI fuzzer against the local runtime with demo data: no 5xx, no undocumented status
step "$root/infra/scripts/fuzz-api.sh"
step "$root/infra/scripts/check-terraform.sh"
step "$root/.venv/bin/cfn-lint" template.yaml infra/customer-role.yaml
step "$root/.venv/bin/checkov" -f template.yaml --config-file infra/checkov-template.yaml
# offline: the lint needs no AWS call, but the CLI wants a region and no telemetry
step env SAM_CLI_TELEMETRY=0 AWS_REGION=us-east-1 "$root/.tools/sam/bin/sam" validate --lint --template template.yaml
if [[ -f "$root/web/package.json" ]]; then
  step "$root/infra/scripts/web.sh" test
  # the browser tests: the app just built, in Chromium, against skyforge-local on this stand-in
  step "$root/infra/scripts/web.sh" e2e --no-build
fi

if [[ $status -ne 0 ]]; then
  echo "test: some steps failed (see FAILED lines above)" >&2
fi
exit $status
