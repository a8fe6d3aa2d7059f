variable "deployment_id" {
  description = "Skyforge deployment id; every resource is labelled skyforge-deployment = <deployment_id> (GCP label values must be lowercase)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", var.deployment_id))
    error_message = "The deployment_id must be 1-63 characters of lowercase letters, digits, '_' or '-', starting with a letter or digit."
  }
}

variable "project_id" {
  description = "GCP project to deploy into."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{4,28}[a-z0-9]$", var.project_id))
    error_message = "The project_id must be a GCP project id: 6-30 lowercase letters, digits and '-', starting with a letter."
  }
}

variable "name" {
  description = "Name of the VM instance; also the prefix of its network, subnet, firewall and service account."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,48}[a-z0-9]$", var.name))
    error_message = "The name must be 2-50 characters of lowercase letters, digits and '-', start with a letter and not end with '-'."
  }
}

variable "zone" {
  description = "Compute Engine zone, e.g. europe-west1-b; the region is derived from it."
  type        = string
  default     = "europe-west1-b"

  validation {
    condition     = can(regex("^[a-z]+-[a-z]+[0-9]+-[a-z]$", var.zone))
    error_message = "The zone must be a Compute Engine zone such as europe-west1-b or us-central1-a."
  }
}

variable "machine_type" {
  description = "Compute Engine machine type, e.g. e2-small."
  type        = string
  default     = "e2-small"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]*-[a-z0-9-]+$", var.machine_type))
    error_message = "The machine_type must be a Compute Engine machine type such as e2-small or n2-standard-2."
  }
}

variable "image" {
  description = "Boot image as family or self link, e.g. debian-cloud/debian-12."
  type        = string
  default     = "debian-cloud/debian-12"

  validation {
    condition     = can(regex("^[a-z0-9./:_-]+$", var.image))
    error_message = "The image must be an image family or self link such as debian-cloud/debian-12."
  }
}

variable "boot_disk_size_gb" {
  description = "Size of the boot disk in GB."
  type        = number
  default     = 20

  validation {
    condition     = var.boot_disk_size_gb >= 10 && var.boot_disk_size_gb <= 2048
    error_message = "The boot_disk_size_gb must be from 10 to 2048."
  }
}

variable "boot_disk_type" {
  description = "Persistent disk type of the boot disk."
  type        = string
  default     = "pd-balanced"

  validation {
    condition     = contains(["pd-balanced", "pd-ssd", "pd-standard"], var.boot_disk_type)
    error_message = "The boot_disk_type must be one of pd-balanced, pd-ssd, pd-standard."
  }
}

variable "kms_key_self_link" {
  description = "Cloud KMS key for the boot disk (CMEK). Empty means Google-managed encryption keys; the disk is encrypted at rest either way."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^(projects/[a-z0-9-]+/locations/[a-z0-9-]+/keyRings/[A-Za-z0-9_-]+/cryptoKeys/[A-Za-z0-9_-]+)?$", var.kms_key_self_link))
    error_message = "The kms_key_self_link must be empty or projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>."
  }
}

variable "subnet_cidr" {
  description = "Primary IPv4 range of the VM's subnet."
  type        = string
  default     = "10.30.1.0/24"

  validation {
    condition     = can(regex("^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$", var.subnet_cidr))
    error_message = "The subnet_cidr must be an IPv4 CIDR block such as 10.30.1.0/24."
  }
}

variable "assign_public_ip" {
  description = "Give the VM an ephemeral external IPv4 address. Off by default (use IAP TCP forwarding or a bastion)."
  type        = bool
  default     = false
}

variable "ssh_username" {
  description = "Linux user the SSH key is installed for."
  type        = string
  default     = "skyforge"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_-]{0,31}$", var.ssh_username))
    error_message = "The ssh_username must be 1-32 characters of lowercase letters, digits, '_' or '-', starting with a letter or '_'."
  }
}

variable "ssh_public_key" {
  description = "OpenSSH public key installed for ssh_username (instance metadata; project-wide keys are blocked). Empty means no key."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^((ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( [^\\n]*)?)?$", var.ssh_public_key))
    error_message = "The ssh_public_key must be empty or an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*)."
  }
}

variable "ssh_allowed_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach SSH (TCP 22). Empty (the default) creates no firewall rule; 0.0.0.0/0 is only allowed if passed explicitly. IAP TCP forwarding uses 35.235.240.0/20."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.ssh_allowed_cidrs : can(regex("^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$", c))])
    error_message = "Each entry of ssh_allowed_cidrs must be an IPv4 CIDR block such as 203.0.113.0/24."
  }
}

variable "labels" {
  description = "Extra labels for every resource (lowercase keys and values). The skyforge-deployment label always wins."
  type        = map(string)
  default     = {}
}
