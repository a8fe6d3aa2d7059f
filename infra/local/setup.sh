#!/usr/bin/env bash
# Installs the project's local tools into the checkout: a Python venv (.venv) with the pinned
# packages, and Terraform with an offline provider mirror (.tools). Idempotent: a stamp of the
# requirement files makes the next run a no-op until they change.
#
# Usage: infra/local/setup.sh [--checks] [--package]
#   --checks   also the lint tools for make test (and the SAM CLI in .tools/sam)
#   --package  also cargo-lambda and zig for make package
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
venv=${SKYFORGE_VENV:-$root/.venv}
tools=${SKYFORGE_TOOLS:-$root/.tools}
files=("$root/infra/local/requirements.txt")
for flag in "$@"; do
  case "$flag" in
    --checks) files+=("$root/infra/local/requirements-checks.txt") ;;
    --package) files+=("$root/infra/local/requirements-package.txt") ;;
    *) echo "setup: unknown flag $flag" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' 2>/dev/null; then
  echo "setup: Python 3.9 or newer is needed (set PYTHON to its path)" >&2
  exit 1
fi

# one stamp per requirements file: installing for `make test` does not undo `make up`'s
for file in "${files[@]}"; do
  stamp="$venv/.skyforge-$(basename "$file" .txt)-$(sha256sum "$file" | cut -c1-16)"
  [[ -f "$stamp" ]] && continue
  echo "setup: installing $(basename "$file") into $venv (the first run takes a minute)"
  [[ -x "$venv/bin/python" ]] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
  # the null provider's setup.py copies into $HOME/.terraform.d; give it a HOME if there is none
  HOME=${HOME:-$root/.tools/home} "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$file"
  rm -f "$venv/.skyforge-$(basename "$file" .txt)"-*
  touch "$stamp"
done

# the SAM CLI pins a boto3 that checkov's does not allow: it gets a venv of its own
if [[ " $* " == *" --checks "* ]]; then
  file="$root/infra/local/requirements-sam.txt"
  sam_venv="$tools/sam"
  stamp="$sam_venv/.skyforge-$(sha256sum "$file" | cut -c1-16)"
  if [[ ! -f "$stamp" ]]; then
    echo "setup: installing the SAM CLI into $sam_venv"
    [[ -x "$sam_venv/bin/python" ]] || "$python" -m venv "$sam_venv"
    "$sam_venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$file"
    rm -f "$sam_venv"/.skyforge-*
    touch "$stamp"
  fi
fi

"$root/infra/local/install-terraform.sh" "$venv" "$tools" >/dev/null
