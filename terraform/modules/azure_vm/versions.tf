terraform {
  required_version = ">= 1.0.0, < 2.0.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = ">= 4.9.0, < 5.0.0"
    }
  }
}

# This module is a deployable template: the control plane runs it as a root module.
# Credentials and the subscription come from the environment (ARM_CLIENT_ID,
# ARM_TENANT_ID, ARM_SUBSCRIPTION_ID, ... or a managed identity).
provider "azurerm" {
  features {}
}
