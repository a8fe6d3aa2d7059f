#!/usr/bin/env bash
# The terraform runner's CodeBuild source: infra/buildspec.yml, infra/runner/ and
# terraform/modules/ in one zip, written to .run/runner-bundle.zip. Upload it to the stack's
# artifact bucket as runner/bundle.zip after each deploy that changed the runner or a module
# (docs/deploying.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out="$root/.run/runner-bundle.zip"
mkdir -p "$root/.run"
python3 - "$out" <<'PY'
import os, sys, zipfile
out = sys.argv[1]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
    bundle.write("infra/buildspec.yml")
    for top in ("infra/runner", "terraform/modules"):
        for folder, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != ".terraform")
            for name in sorted(files):
                if name.endswith((".tfstate", ".tfplan")) or name == ".terraform.lock.hcl":
                    continue
                path = os.path.join(folder, name)
                info = zipfile.ZipInfo.from_file(path)
                with open(path, "rb") as f:
                    bundle.writestr(info, f.read(), zipfile.ZIP_DEFLATED)
print(out)
PY
