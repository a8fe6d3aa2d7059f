#!/usr/bin/env bash
# Runs one phase of a Skyforge run: the same script in CodeBuild (infra/buildspec.yml) and in the
# local runtime (a subprocess). Every line it and terraform print is the run's log.
#
#   phase plan:  init (S3 backend, key per deployment, DynamoDB lock table), plan -out,
#                show -json; uploads plan.tfplan and plan.json
#   phase apply: init, downloads plan.tfplan, applies exactly that saved plan, output -json;
#                uploads outputs.json (a destroy run's plan is a destroy plan)
#
# Environment (set by the executor; see docs/configuration.md, The runner's environment):
#   SKYFORGE_PHASE plan|apply         SKYFORGE_RUN_KIND plan_and_apply|destroy
#   SKYFORGE_MODULE                   module folder name under SKYFORGE_MODULES_DIR
#   SKYFORGE_STATE_BUCKET, SKYFORGE_STATE_KEY, SKYFORGE_LOCK_TABLE
#   SKYFORGE_ARTIFACT_BUCKET, SKYFORGE_ARTIFACT_PREFIX
#   SKYFORGE_TFVARS_B64               base64 of terraform.tfvars.json (no secrets)
#   SKYFORGE_CLOUD_CREDENTIALS        optional: the credential's secret JSON (CodeBuild resolves it
#                                     from Secrets Manager); never printed
#   SKYFORGE_TERRAFORM (default terraform), SKYFORGE_PYTHON (default python3, needs boto3),
#   SKYFORGE_MODULES_DIR (default terraform/modules of this checkout), SKYFORGE_WORK_DIR,
#   AWS_ENDPOINT_URL                  a stand-in for S3/DynamoDB/STS (the local runtime's moto)
set -euo pipefail
set +x # never trace: the credential is in the environment

here=$(cd "$(dirname "$0")" && pwd)
terraform=${SKYFORGE_TERRAFORM:-terraform}
python=${SKYFORGE_PYTHON:-python3}
modules_dir=${SKYFORGE_MODULES_DIR:-$here/../../terraform/modules}
region=${AWS_REGION:-${AWS_DEFAULT_REGION:-us-east-1}}
export CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1 TF_INPUT=0

for name in SKYFORGE_PHASE SKYFORGE_MODULE SKYFORGE_STATE_BUCKET SKYFORGE_STATE_KEY SKYFORGE_LOCK_TABLE \
  SKYFORGE_ARTIFACT_BUCKET SKYFORGE_ARTIFACT_PREFIX SKYFORGE_TFVARS_B64; do
  if [[ -z "${!name:-}" ]]; then
    echo "runner: $name is not set" >&2
    exit 2
  fi
done
case "$SKYFORGE_MODULE" in
  *[!a-z0-9_]* | "") echo "runner: bad module name" >&2; exit 2 ;;
esac
module_src="$modules_dir/$SKYFORGE_MODULE"
[[ -d "$module_src" ]] || { echo "runner: no module $SKYFORGE_MODULE" >&2; exit 2; }

work=${SKYFORGE_WORK_DIR:-$(mktemp -d)}
mkdir -p "$work"
cp -R "$module_src"/. "$work"/
cd "$work"

s3() { # s3 put|get KEY FILE (boto3 follows AWS_ENDPOINT_URL by itself)
  "$python" - "$@" <<'PY'
import sys, boto3
op, key, path = sys.argv[1:4]
import os
bucket = os.environ["SKYFORGE_ARTIFACT_BUCKET"]
client = boto3.client("s3", region_name=os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
if op == "put":
    client.upload_file(path, bucket, key)
else:
    client.download_file(bucket, key, path)
PY
}

# --- cloud credentials ------------------------------------------------------------------------
# The credential becomes the provider's own environment variables. For an AWS credential the
# state backend keeps the build's own identity through a named profile, so state and locks never
# live in the customer's account.
backend_profile=()
if [[ -n "${SKYFORGE_CLOUD_CREDENTIALS:-}" ]]; then
  eval "$("$python" "$here/credentials_env.py")"
  if [[ -n "${SKYFORGE_BACKEND_PROFILE:-}" ]]; then
    backend_profile=(-backend-config="profile=$SKYFORGE_BACKEND_PROFILE")
  fi
  unset SKYFORGE_CLOUD_CREDENTIALS
fi

# --- init with the S3 backend -----------------------------------------------------------------
cat > skyforge_backend_override.tf <<'HCL'
terraform {
  backend "s3" {}
}
HCL
backend=(
  -backend-config="bucket=$SKYFORGE_STATE_BUCKET"
  -backend-config="key=$SKYFORGE_STATE_KEY"
  -backend-config="region=$region"
  -backend-config="dynamodb_table=$SKYFORGE_LOCK_TABLE"
  -backend-config="encrypt=true"
)
if [[ -n "${AWS_ENDPOINT_URL:-}" ]]; then
  backend+=(
    -backend-config="endpoint=$AWS_ENDPOINT_URL"
    -backend-config="dynamodb_endpoint=$AWS_ENDPOINT_URL"
    -backend-config="sts_endpoint=$AWS_ENDPOINT_URL"
    -backend-config="iam_endpoint=$AWS_ENDPOINT_URL"
    -backend-config="force_path_style=true"
    -backend-config="skip_credentials_validation=true"
    -backend-config="skip_metadata_api_check=true"
    -backend-config="skip_region_validation=true"
  )
fi
echo "runner: terraform init ($SKYFORGE_MODULE, state $SKYFORGE_STATE_KEY, cli config ${TF_CLI_CONFIG_FILE:-none})"
"$terraform" init -input=false -no-color "${backend[@]}" "${backend_profile[@]}"

echo "$SKYFORGE_TFVARS_B64" | base64 -d > terraform.tfvars.json
prefix=$SKYFORGE_ARTIFACT_PREFIX

case "$SKYFORGE_PHASE" in
  plan)
    destroy=()
    [[ "${SKYFORGE_RUN_KIND:-plan_and_apply}" == "destroy" ]] && destroy=(-destroy)
    echo "runner: terraform plan ${destroy[*]}"
    "$terraform" plan -input=false -no-color -var-file=terraform.tfvars.json -out=plan.tfplan "${destroy[@]}"
    "$terraform" show -json plan.tfplan > plan.json
    s3 put "$prefix/plan.tfplan" plan.tfplan
    s3 put "$prefix/plan.json" plan.json
    echo "runner: plan saved"
    ;;
  apply)
    s3 get "$prefix/plan.tfplan" plan.tfplan
    echo "runner: terraform apply (the saved plan)"
    "$terraform" apply -input=false -no-color plan.tfplan
    "$terraform" output -json > outputs.json
    s3 put "$prefix/outputs.json" outputs.json
    echo "runner: applied"
    ;;
  *)
    echo "runner: unknown phase $SKYFORGE_PHASE" >&2
    exit 2
    ;;
esac
