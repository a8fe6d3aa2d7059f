variable "deployment_id" {
  description = "Skyforge deployment id; every resource is tagged skyforge-deployment = <deployment_id>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", var.deployment_id))
    error_message = "The deployment_id must be 1-63 characters of lowercase letters, digits, '_' or '-', starting with a letter or digit."
  }
}

variable "bucket_name" {
  description = "Globally unique S3 bucket name (3-63 lowercase letters, digits and '-'; no dots, so virtual-hosted TLS works)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "The bucket_name must be 3-63 characters of lowercase letters, digits and '-', starting and ending with a letter or digit."
  }
}

variable "region" {
  description = "AWS region to create the bucket in, e.g. us-east-1."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$", var.region))
    error_message = "The region must be an AWS region code such as us-east-1 or eu-west-2."
  }
}

variable "kms_key_arn" {
  description = "ARN of a KMS key for default encryption (SSE-KMS). Empty means the AWS-managed key aws/s3; objects are encrypted at rest either way."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+)?$", var.kms_key_arn))
    error_message = "The kms_key_arn must be empty or a KMS key ARN."
  }
}

variable "noncurrent_version_retention_days" {
  description = "Days a noncurrent (overwritten or deleted) object version is kept before it expires."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 1 && var.noncurrent_version_retention_days <= 3650
    error_message = "The noncurrent_version_retention_days must be from 1 to 3650."
  }
}

variable "access_log_bucket" {
  description = "Name of an existing bucket that receives server access logs (prefix <bucket_name>/). Empty disables access logging."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])?$", var.access_log_bucket))
    error_message = "The access_log_bucket must be empty or an S3 bucket name."
  }
}

variable "force_destroy" {
  description = "Allow destroying the bucket while it still holds objects (all versions are deleted). Keep false for real data."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Extra tags for the bucket. The skyforge-deployment and Name tags always win."
  type        = map(string)
  default     = {}
}
