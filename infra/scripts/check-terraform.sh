#!/usr/bin/env bash
# Checks the Terraform templates under terraform/modules, offline:
#   1. terraform fmt -check -recursive terraform/   (the project's own Terraform 1.0.3)
#   2. checkov on each module (fails on any failed check; skips are inline in the HCL
#      as #checkov:skip=<id>:<reason>)
#   3. the sandbox module: terraform init (local filesystem mirror only) + validate + plan
#      in a temporary copy, so nothing is written into the checkout.
#
# Environment:
#   SKYFORGE_VENV   Python venv with the pinned tools   (default .venv, relative to the repo root)
#   SKYFORGE_TOOLS  tools dir from install-terraform.sh (default .tools, relative to the repo root)
#
# The six cloud modules cannot be initialised here (their providers are not available
# offline): they get fmt + checkov only.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo_root"

venv_dir=${SKYFORGE_VENV:-.venv}
tools_dir=${SKYFORGE_TOOLS:-.tools}
[[ "$venv_dir" = /* ]] || venv_dir="$repo_root/$venv_dir"
[[ "$tools_dir" = /* ]] || tools_dir="$repo_root/$tools_dir"

modules_dir="terraform/modules"
cloud_modules=(aws_vm aws_s3 azure_vm azure_blob gcp_vm gcp_storage)
sandbox_module="sandbox"

if [[ ! -x "$venv_dir/bin/checkov" ]]; then
  echo "check-terraform: no checkov in $venv_dir; create the venv and run infra/local/setup.sh --checks" >&2
  exit 1
fi

# Idempotent and fast when the tools are already in place.
"$repo_root/infra/local/install-terraform.sh" "$venv_dir" "$tools_dir" >/dev/null

terraform="$tools_dir/bin/terraform"
export TF_CLI_CONFIG_FILE="$tools_dir/terraformrc"
export CHECKPOINT_DISABLE=1
export TF_IN_AUTOMATION=1
export TF_INPUT=0
unset TF_DATA_DIR TF_WORKSPACE

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

for m in "${cloud_modules[@]}" "$sandbox_module"; do
  [[ -d "$modules_dir/$m" ]] || fail "module $modules_dir/$m is missing"
done

# --- 1. formatting ---------------------------------------------------------------------
echo "==> terraform fmt -check -recursive terraform/"
if "$terraform" fmt -check -recursive -diff terraform/; then
  echo "    ok"
else
  fail "terraform fmt: run '$terraform fmt -recursive terraform/'"
fi

# --- 2. checkov ---------------------------------------------------------------------------
for m in "${cloud_modules[@]}" "$sandbox_module"; do
  [[ -d "$modules_dir/$m" ]] || continue
  echo "==> checkov $modules_dir/$m"
  # --skip-download: no calls home for guidelines; the policies ship with the package.
  if ! out=$("$venv_dir/bin/checkov" -d "$modules_dir/$m" --framework terraform \
    --quiet --compact --skip-download --download-external-modules false 2>&1); then
    printf '%s\n' "$out" >&2
    fail "checkov $modules_dir/$m"
    continue
  fi
  summary=$(printf '%s\n' "$out" | grep -E '^Passed checks:' || true)
  echo "    ${summary:-no applicable checks}"
done

# --- 3. sandbox: init + validate + plan, offline ---------------------------------------
echo "==> sandbox: terraform init/validate/plan (offline, filesystem mirror)"
work=$(mktemp -d "${TMPDIR:-/tmp}/skyforge-tfcheck.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp -R "$modules_dir/$sandbox_module/." "$work/"
rm -rf "$work/.terraform" "$work/.terraform.lock.hcl" "$work"/terraform.tfstate*
cat >"$work/check.auto.tfvars.json" <<'JSON'
{"deployment_id": "check-sandbox", "name": "check", "instance_count": 2, "step_delay_seconds": 0}
JSON
if ! (
  cd "$work"
  "$terraform" init -input=false -no-color >init.log 2>&1 || { cat init.log >&2; exit 1; }
  "$terraform" validate -no-color | sed '/^$/d; s/^/    /'
  "$terraform" plan -input=false -no-color -lock=false -out=check.tfplan >plan.log 2>&1 || { cat plan.log >&2; exit 1; }
  grep -E '^Plan:' plan.log | sed 's/^/    /'
); then
  fail "sandbox init/validate/plan"
fi

if [[ $failures -gt 0 ]]; then
  echo "check-terraform: $failures check(s) failed" >&2
  exit 1
fi
echo "check-terraform: all checks passed"
