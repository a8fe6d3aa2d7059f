"""Turns SKYFORGE_CLOUD_CREDENTIALS (a credential's secret JSON, as Skyforge stores it in Secrets
Manager) into shell `export` lines for the Terraform provider. Prints nothing else: its output is
eval'ed by run.sh, never logged."""
import json
import os
import shlex
import tempfile

secret = json.loads(os.environ["SKYFORGE_CLOUD_CREDENTIALS"])
kind = secret.get("kind")
env = {}
if kind in ("aws_keys", "aws_role"):
    # the build's own identity stays available to the state backend as a named profile
    profiles = "[profile skyforge-backend]\ncredential_source = EcsContainer\n"
    if kind == "aws_role":
        # the provider assumes the customer's role with the organisation's external id
        profiles += (
            "[profile skyforge-target]\ncredential_source = EcsContainer\n"
            f"role_arn = {secret['role_arn']}\nexternal_id = {secret['external_id']}\n"
        )
        env["AWS_PROFILE"] = "skyforge-target"
    config = tempfile.NamedTemporaryFile("w", delete=False, suffix=".aws-config")
    config.write(profiles)
    config.close()
    env["AWS_CONFIG_FILE"] = config.name
    env["SKYFORGE_BACKEND_PROFILE"] = "skyforge-backend"
    if kind == "aws_keys":
        env["AWS_ACCESS_KEY_ID"] = secret["access_key_id"]
        env["AWS_SECRET_ACCESS_KEY"] = secret["secret_access_key"]
elif kind == "azure_service_principal":
    env["ARM_TENANT_ID"] = secret["tenant_id"]
    env["ARM_CLIENT_ID"] = secret["client_id"]
    env["ARM_CLIENT_SECRET"] = secret["client_secret"]
    if secret.get("subscription_ids"):
        env["ARM_SUBSCRIPTION_ID"] = secret["subscription_ids"][0]
elif kind == "gcp_service_account":
    key = tempfile.NamedTemporaryFile("w", delete=False, suffix=".json")
    key.write(secret["key_json"])
    key.close()
    env["GOOGLE_APPLICATION_CREDENTIALS"] = key.name
for name, value in env.items():
    print(f"export {name}={shlex.quote(value)}")
