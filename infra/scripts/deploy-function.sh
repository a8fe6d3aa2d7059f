#!/usr/bin/env bash
# Quick iteration on one function of a deployed stack: builds it and runs `cargo lambda deploy`
# with the memory, timeout, role and environment its Cargo.toml declares
# ([package.metadata.lambda.deploy], the same as template.yaml), putting in the stack's outputs
# for the {Name} placeholders (they name stack-specific ARNs, URLs and tables).
#
#   infra/scripts/deploy-function.sh <function> [stack, default skyforge] [--arm64|--x86-64]
#
# Needs the AWS CLI and credentials of the account the stack is in.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
function=${1:?usage: deploy-function.sh <function> [stack] [--arm64|--x86-64]}
stack=${2:-skyforge}
arch=${3:---arm64}
[[ -d "functions/$function" ]] || { echo "deploy-function: no functions/$function" >&2; exit 2; }

outputs=$(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Outputs' --output json)
metadata=$(cargo metadata --format-version 1 --no-deps)
# role and env of the function's metadata, placeholders replaced: one argument per line
mapfile -t args < <(python3 - "$function" "$outputs" "$metadata" <<'PY'
import json, re, sys
function, outputs, metadata = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
values = {o["OutputKey"]: o["OutputValue"] for o in outputs}
deploy = next(p for p in metadata["packages"] if p["name"] == function)["metadata"]["lambda"]["deploy"]
def fill(text):
    def output(match):
        name = match.group(1)
        if name not in values:
            sys.exit(f"deploy-function: the stack has no output {name}")
        return values[name]
    return re.sub(r"\{(\w+)\}", output, text)
print("--iam-role"); print(fill(deploy["role"]))
for key, value in deploy.get("env", {}).items():
    print("--env-var"); print(f"{key}={fill(value)}")
PY
)
cargo lambda build --release "$arch" -p "$function"
cargo lambda deploy --binary-name "$function" "${args[@]}" "$stack-$function"
