#!/usr/bin/env bash
# The OpenAPI fuzz run of `make test`: starts skyforge-local with demo data against the AWS
# stand-in named by AWS_ENDPOINT_URL (on a table, key and queue of its own), logs in as the demo
# user, makes a write-scoped API token, and runs schemathesis (pinned in
# infra/local/requirements-checks.txt, settings in infra/local/schemathesis.toml) over every
# operation of the served document: any 5xx or undocumented status fails it. A few minutes.
#
# Needs SKYFORGE_LOCAL_BIN (the built skyforge-local) and AWS_ENDPOINT_URL, as make test sets
# them. The runtime's log and schemathesis' report land in .run/test-artifacts/fuzz/.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
: "${SKYFORGE_LOCAL_BIN:?SKYFORGE_LOCAL_BIN must name the built skyforge-local}"
: "${AWS_ENDPOINT_URL:?AWS_ENDPOINT_URL must name the AWS stand-in (run through make test)}"
venv=${SKYFORGE_VENV:-$root/.venv}
out="$root/.run/test-artifacts/fuzz"
rm -rf "$out"
mkdir -p "$out"

id="fuzz-$$-$RANDOM"
# The run checks the contract, not latency: generous deadlines keep a stand-in slowed by a busy
# machine from answering 503 (the deadlines themselves are tested in tests/e2e/faults.rs).
SKYFORGE_PORT=0 SKYFORGE_TABLE_NAME=$id SKYFORGE_JWT_SECRET_ID="$id/jwt" SKYFORGE_SYNC_QUEUE_NAME=$id \
  SKYFORGE_SYNC_INTERVAL_SECS=0 RUST_LOG=${RUST_LOG:-info,aws_config=warn} \
  SKYFORGE_REQUEST_TIMEOUT_SECS=60 SKYFORGE_AWS_ATTEMPT_TIMEOUT_SECS=30 SKYFORGE_AWS_OPERATION_TIMEOUT_SECS=55 \
  "$SKYFORGE_LOCAL_BIN" serve --seed-demo >"$out/stdout.log" 2>"$out/runtime.log" &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true' EXIT

base=""
for _ in $(seq 1 240); do
  base=$(sed -n 's/^skyforge-local listening on \(http:[^ ]*\)$/\1/p' "$out/stdout.log" | head -1)
  [[ -n "$base" ]] && break
  kill -0 "$pid" 2>/dev/null || { echo "fuzz: skyforge-local exited; see $out/runtime.log" >&2; exit 1; }
  sleep 0.5
done
[[ -n "$base" ]] || { echo "fuzz: skyforge-local did not listen within 2 minutes" >&2; exit 1; }

json() { "$venv/bin/python" -c "import json,sys; print(json.load(sys.stdin)$1)"; }
access=$(curl -fsS -H 'Content-Type: application/json' \
  -d '{"email":"demo@skyforge.local","password":"skyforge-demo-password"}' "$base/v1/auth/login" | json '["access_token"]')
token=$(curl -fsS -H "Authorization: Bearer $access" -H 'Content-Type: application/json' \
  -d '{"name":"fuzz","scope":"write"}' "$base/v1/tokens" | json '["token"]')
org=$(curl -fsS -H "Authorization: Bearer $token" "$base/v1/me" | json '["organizations"][0]["id"]')
echo "fuzz: skyforge-local on $base (pid $pid), demo organisation $org"

export SKYFORGE_FUZZ_URL=$base SKYFORGE_FUZZ_TOKEN=$token SKYFORGE_FUZZ_ORG=$org
cd "$out"
"$venv/bin/schemathesis" --config-file "$root/infra/local/schemathesis.toml" run "$base/v1/openapi.json" \
  --report junit --report-dir "$out" "$@"
