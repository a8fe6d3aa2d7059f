# Local/offline demo template: creates nothing outside the Terraform state.
# Each instance is a null_resource whose local-exec provisioner prints a few progress lines
# with short sleeps, so a deployment's log stream has something to show.

locals {
  deployment_label = "skyforge-deployment"
}

resource "null_resource" "this" {
  count = var.instance_count

  # Changing any trigger replaces the instance (and re-runs the provisioner).
  triggers = {
    (local.deployment_label) = var.deployment_id
    name                     = "${var.name}-${count.index}"
    message                  = var.message
    step_delay_seconds       = tostring(var.step_delay_seconds)
  }

  provisioner "local-exec" {
    # Values reach the shell through the environment, never interpolated into the script,
    # so the message cannot inject shell syntax.
    command = <<-EOT
      set -e
      echo "[sandbox] $SANDBOX_NAME: starting (deployment $SANDBOX_DEPLOYMENT)"
      sleep "$SANDBOX_DELAY"
      echo "[sandbox] $SANDBOX_NAME: step 1/4 preparing"
      sleep "$SANDBOX_DELAY"
      echo "[sandbox] $SANDBOX_NAME: step 2/4 message: $SANDBOX_MESSAGE"
      sleep "$SANDBOX_DELAY"
      echo "[sandbox] $SANDBOX_NAME: step 3/4 finishing"
      sleep "$SANDBOX_DELAY"
      echo "[sandbox] $SANDBOX_NAME: step 4/4 done"
    EOT

    interpreter = ["/bin/sh", "-c"]

    environment = {
      SANDBOX_NAME       = "${var.name}-${count.index}"
      SANDBOX_DEPLOYMENT = var.deployment_id
      SANDBOX_MESSAGE    = var.message
      SANDBOX_DELAY      = tostring(var.step_delay_seconds)
    }
  }

  provisioner "local-exec" {
    when = destroy

    # Destroy-time provisioners may only refer to self.
    command     = "echo \"[sandbox] $SANDBOX_NAME: destroyed\""
    interpreter = ["/bin/sh", "-c"]

    environment = {
      SANDBOX_NAME = self.triggers.name
    }
  }
}
