terraform {
  required_version = ">= 1.0.0, < 2.0.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 5.0.0, < 8.0.0"
    }
  }
}

# This module is a deployable template: the control plane runs it as a root module.
# Credentials come from the environment (GOOGLE_APPLICATION_CREDENTIALS or ADC).
provider "google" {
  project = var.project_id
  region  = local.region
  zone    = var.zone
}
