terraform {
  # Kept compatible with Terraform 1.0 (the version the project installs for offline runs):
  # no optional() object attributes, no cross-variable validation.
  required_version = ">= 1.0.0, < 2.0.0"

  required_providers {
    null = {
      source  = "hashicorp/null"
      version = ">= 2.1.2, < 4.0.0"
    }
  }
}
