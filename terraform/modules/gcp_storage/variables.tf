variable "deployment_id" {
  description = "Skyforge deployment id; the bucket is labelled skyforge-deployment = <deployment_id> (GCP label values must be lowercase)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", var.deployment_id))
    error_message = "The deployment_id must be 1-63 characters of lowercase letters, digits, '_' or '-', starting with a letter or digit."
  }
}

variable "project_id" {
  description = "GCP project that owns the bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "The project_id must be a GCP project id: 6-30 lowercase letters, digits and '-', starting with a letter."
  }
}

variable "bucket_name" {
  description = "Globally unique bucket name (3-63 lowercase letters, digits, '-' and '_'; no dots)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "The bucket_name must be 3-63 characters of lowercase letters, digits, '-' and '_', starting and ending with a letter or digit."
  }
}

variable "location" {
  description = "Bucket location: a region (e.g. europe-west1), a dual-region (e.g. EUR4) or a multi-region (EU, US, ASIA)."
  type        = string
  default     = "EU"

  validation {
    condition     = can(regex("^([A-Za-z]+-[A-Za-z]+[0-9]+|[A-Za-z]{2,4}[0-9]?)$", var.location))
    error_message = "The location must be a GCS location such as europe-west1, EUR4, EU or US."
  }
}

variable "storage_class" {
  description = "Default storage class of new objects."
  type        = string
  default     = "STANDARD"

  validation {
    condition     = contains(["STANDARD", "NEARLINE", "COLDLINE", "ARCHIVE"], var.storage_class)
    error_message = "The storage_class must be one of STANDARD, NEARLINE, COLDLINE, ARCHIVE."
  }
}

variable "kms_key_name" {
  description = "Cloud KMS key for default encryption (CMEK). Empty means Google-managed keys; objects are encrypted at rest either way."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^(projects/[a-z0-9-]+/locations/[a-z0-9-]+/keyRings/[A-Za-z0-9_-]+/cryptoKeys/[A-Za-z0-9_-]+)?$", var.kms_key_name))
    error_message = "The kms_key_name must be empty or projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a noncurrent (overwritten or deleted) object version is kept before it is deleted."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 3650
    error_message = "The noncurrent_version_retention_days must be from 1 to 3650."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing bucket that receives usage logs (prefix <bucket_name>/). Empty disables access logging."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([a-z0-9][a-z0-9._-]{1,61}[a-z0-9])?$", var.access_log_bucket))
    error_message = "The access_log_bucket must be empty or a bucket name."
  }
}

variable "force_destroy" {
  description = "Allow destroying the bucket while it still holds objects. Keep false for real data."
  type        = bool
  default     = false
}

variable "labels" {
  description = "Extra labels for the bucket (lowercase keys and values). The skyforge-deployment label always wins."
  type        = map(string)
  default     = {}
}
