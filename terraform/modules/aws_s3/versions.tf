terraform {
  required_version = ">= 1.0.0, < 2.0.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0.0, < 7.0.0"
    }
  }
}

# This module is a deployable template: the control plane runs it as a root module and
# passes the region as a variable. Credentials come from the environment.
provider "aws" {
  region = var.region
}
