variable "deployment_id" {
  description = "Skyforge deployment id; every resource is tagged skyforge-deployment = <deployment_id>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", var.deployment_id))
    error_message = "The deployment_id must be 1-63 characters of lowercase letters, digits, '_' or '-', starting with a letter or digit."
  }
}

variable "storage_account_name" {
  description = "Globally unique storage account name (3-24 lowercase letters and digits)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]{3,24}$", var.storage_account_name))
    error_message = "The storage_account_name must be 3-24 lowercase letters and digits."
  }
}

variable "container_name" {
  description = "Name of the private blob container created in the account."
  type        = string
  default     = "data"

  validation {
    condition     = can(regex("^[a-z0-9](-?[a-z0-9]){2,62}$", var.container_name))
    error_message = "The container_name must be 3-63 lowercase letters, digits and single '-' between them."
  }
}

variable "location" {
  description = "Azure region (location) to deploy into, e.g. westeurope or eastus2."
  type        = string
  default     = "westeurope"

  validation {
    condition     = can(regex("^[a-z]+[a-z0-9]*$", var.location))
    error_message = "The location must be an Azure region name in lowercase without spaces, e.g. westeurope."
  }
}

variable "replication_type" {
  description = "Redundancy of the account: GRS/RAGRS (geo-redundant, Azure's own default), GZRS/RAGZRS (geo- and zone-redundant) or ZRS (zone-redundant, one region)."
  type        = string
  default     = "GRS"

  validation {
    condition     = contains(["GRS", "RAGRS", "GZRS", "RAGZRS", "ZRS"], var.replication_type)
    error_message = "The replication_type must be one of GRS, RAGRS, GZRS, RAGZRS, ZRS."
  }
}

variable "access_tier" {
  description = "Default access tier of blobs."
  type        = string
  default     = "Hot"

  validation {
    condition     = contains(["Hot", "Cool"], var.access_tier)
    error_message = "The access_tier must be Hot or Cool."
  }
}

variable "allowed_ip_ranges" {
  description = "Public IPv4 addresses or CIDR ranges allowed through the storage firewall. Empty means only trusted Azure services get through (all other network access is denied)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.allowed_ip_ranges : can(regex("^([0-9]{1,3}\\.){3}[0-9]{1,3}(/([0-9]|[12][0-9]|3[0-2]))?$", c))])
    error_message = "Each entry of allowed_ip_ranges must be an IPv4 address or CIDR block such as 203.0.113.0/24."
  }
}

variable "soft_delete_retention_days" {
  description = "Days deleted blobs and containers stay recoverable."
  type        = number
  default     = 30

  validation {
    condition     = var.soft_delete_retention_days >= 1 && var.soft_delete_retention_days <= 365
    error_message = "The soft_delete_retention_days must be from 1 to 365."
  }
}

variable "tags" {
  description = "Extra tags for every resource. The skyforge-deployment tag always wins."
  type        = map(string)
  default     = {}
}
