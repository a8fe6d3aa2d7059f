#!/usr/bin/env bash
# Installs the web app's pinned packages (npm ci, only when package-lock.json changed) and
# builds or tests it.   infra/scripts/web.sh build|test
set -euo pipefail

web=$(cd "$(dirname "$0")/../../web" && pwd)
cd "$web"
stamp="node_modules/.skyforge-$(sha256sum package-lock.json | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  npm ci --no-audit --no-fund --loglevel=error
  touch "$stamp"
fi
case "${1:-build}" in
  build) npm run --silent build ;;
  test) npm test --silent && npm run --silent build ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
