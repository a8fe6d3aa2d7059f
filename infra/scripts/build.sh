#!/usr/bin/env bash
# The one cargo build that `make up`, `make test`, `make bench` and the browser tests share:
# always the same package set (the whole workspace, every target), so features unify the same
# way and a second command reuses the first one's build instead of recompiling the AWS SDKs.
# Prints the target directory on stdout; everything else goes to stderr.
#
# Usage: infra/scripts/build.sh [--print-dir]   (--print-dir: only print, build nothing)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
if [[ "${1:-}" != "--print-dir" ]]; then
  echo "build: cargo build --workspace --all-targets (the first build takes about 10 minutes)" >&2
  cargo build --quiet --workspace --all-targets >&2
fi
cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])'
