locals {
  labels = merge(var.labels, {
    "skyforge-deployment" = var.deployment_id
  })
}

resource "google_storage_bucket" "this" {
  #checkov:skip=CKV_GCP_62:Usage logs need a separate, pre-existing log bucket; logging is enabled through var.access_log_bucket (dynamic block below) when the caller has one, and is off by default.
  name          = var.bucket_name
  location      = var.location
  storage_class = var.storage_class
  force_destroy = var.force_destroy
  labels        = local.labels

  # No ACLs and no public access, whatever IAM bindings are added later.
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"

  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.noncurrent_version_retention_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 7
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  # Customer-managed key when given; Google-managed encryption otherwise.
  dynamic "encryption" {
    for_each = var.kms_key_name != "" ? [var.kms_key_name] : []
    content {
      default_kms_key_name = encryption.value
    }
  }

  dynamic "logging" {
    for_each = var.access_log_bucket != "" ? [var.access_log_bucket] : []
    content {
      log_bucket        = logging.value
      log_object_prefix = "${var.bucket_name}/"
    }
  }
}
