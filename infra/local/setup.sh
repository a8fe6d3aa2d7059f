#!/usr/bin/env bash
# Installs the project's local tools into the checkout: a Python venv (.venv) with the pinned
# packages, and Terraform with an offline provider mirror (.tools). Idempotent: a stamp of the
# requirement files makes the next run a no-op until they change.
#
# Usage: infra/local/setup.sh [--checks]    (--checks also installs the lint tools for make test)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${SKYFORGE_VENV:-$root/.venv}
tools=${SKYFORGE_TOOLS:-$root/.tools}
files=("$root/infra/local/requirements.txt")
[[ "${1:-}" == "--checks" ]] && files+=("$root/infra/local/requirements-checks.txt")

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
  echo "setup: Python 3.9 or newer is needed (set PYTHON to its path)" >&2
  exit 1
fi

stamp="$venv/.skyforge-$(cat "${files[@]}" | sha256sum | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  echo "setup: installing Python tools into $venv (first run takes a minute)"
  [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  args=()
  for f in "${files[@]}"; do args+=(-r "$f"); done
  # the null provider's setup.py copies into $HOME/.terraform.d; give it a HOME if there is none
  HOME=${HOME:-$root/.tools/home} "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${args[@]}"
  rm -f "$venv"/.skyforge-*
  touch "$stamp"
fi

"$root/infra/local/install-terraform.sh" "$venv" "$tools" >/dev/null
