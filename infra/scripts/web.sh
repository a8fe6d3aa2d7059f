#!/usr/bin/env bash
# Installs the web app's pinned packages (npm ci, only when package-lock.json changed) and
# builds or tests it.
#
#   infra/scripts/web.sh build             build into web/dist (prints the first-page JS size)
#   infra/scripts/web.sh test              Vitest suite, then the build
#   infra/scripts/web.sh e2e [--no-build]  browser tests: the built app in Chromium against the
#                                          local runtime with demo data
#   infra/scripts/web.sh bench             the dashboard's first render after login, 10,000 resources
#
# e2e and bench use AWS_ENDPOINT_URL and SKYFORGE_LOCAL_BIN when set (make test and make bench
# set both); otherwise they build skyforge-local and start an AWS stand-in of their own.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
web="$root/web"
cd "$web"
stamp="node_modules/.skyforge-$(sha256sum package-lock.json | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi

# Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
ensure_chromium() {
  [[ -x /usr/bin/chromium ]] && return 0
  echo "web: installing Debian's chromium package for the browser tests"
  local sudo=()
  [[ $(id -u) -ne 0 ]] && sudo=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq chromium >/dev/null
}

# The runtime binary and an AWS stand-in, unless the caller provides them.
ensure_runtime() {
  if [[ -z "${SKYFORGE_LOCAL_BIN:-}" ]]; then
    local target_dir
    target_dir=$("$root/infra/scripts/build.sh")
    export SKYFORGE_LOCAL_BIN="$target_dir/debug/skyforge-local"
  fi
  if [[ -z "${AWS_ENDPOINT_URL:-}" ]]; then
    "$root/infra/local/setup.sh"
    local run_dir="$root/.run/web-$$" port
    mkdir -p "$run_dir"
    port=$("$root/infra/scripts/free-port")
    trap '"$root/infra/local/moto.sh" stop "'"$run_dir"'/moto.pid"' EXIT
    trap 'exit 130' INT TERM
    "$root/infra/local/moto.sh" start "$port" "$run_dir/moto.pid"
    export AWS_ENDPOINT_URL="http://127.0.0.1:$port"
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1
  fi
}

case "${1:-build}" in
  build) npm run --silent build ;;
  test) npm test --silent && npm run --silent build ;;
  e2e)
    [[ "${2:-}" == "--no-build" && -f dist/index.html ]] || npm run --silent build
    ensure_chromium
    ensure_runtime
    rm -rf "$root/.run/test-artifacts/screenshots"
    node --test --test-reporter=spec e2e/app.e2e.mjs
    echo "web: screenshots in .run/test-artifacts/screenshots/"
    ;;
  bench)
    npm run --silent build
    ensure_chromium
    ensure_runtime
    node e2e/dashboard-bench.mjs
    ;;
  *) echo "usage: $0 build|test|e2e [--no-build]|bench" >&2; exit 2 ;;
esac
