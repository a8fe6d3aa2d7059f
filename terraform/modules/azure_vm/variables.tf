variable "deployment_id" {
  description = "Skyforge deployment id; every resource is tagged skyforge-deployment = <deployment_id>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", var.deployment_id))
    error_message = "The deployment_id must be 1-63 characters of lowercase letters, digits, '_' or '-', starting with a letter or digit."
  }
}

variable "name" {
  description = "Name of the virtual machine; also the prefix of its resource group, network and disk names."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.name))
    error_message = "The name must be 2-63 characters of lowercase letters, digits and '-', start with a letter and not end with '-'."
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

variable "vm_size" {
  description = "Azure VM size, e.g. Standard_B2s."
  type        = string
  default     = "Standard_B2s"

  validation {
    condition     = can(regex("^(Standard|Basic)_[A-Za-z0-9_]+$", var.vm_size))
    error_message = "The vm_size must be an Azure VM size such as Standard_B2s or Standard_D2s_v5."
  }
}

variable "admin_username" {
  description = "Name of the administrator account (SSH key login only, no password)."
  type        = string
  default     = "azureuser"

  validation {
    condition     = can(regex("^[a-z_][a-z0-9_-]{0,31}$", var.admin_username))
    error_message = "The admin_username must be 1-32 characters of lowercase letters, digits, '_' or '-', starting with a letter or '_'."
  }

  validation {
    condition     = !contains(["root", "admin", "administrator", "user", "guest", "test", "azureadmin"], var.admin_username)
    error_message = "The admin_username must not be a name that Azure reserves (root, admin, administrator, user, guest, test, azureadmin)."
  }
}

variable "ssh_public_key" {
  description = "OpenSSH public key of the administrator (required: password authentication is disabled)."
  type        = string

  validation {
    condition     = can(regex("^(ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( [^\\n]*)?$", var.ssh_public_key))
    error_message = "The ssh_public_key must be an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*)."
  }
}

variable "ssh_allowed_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach SSH (TCP 22). Empty (the default) adds no inbound rule; 0.0.0.0/0 is only allowed if passed explicitly."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.ssh_allowed_cidrs : can(regex("^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$", c))])
    error_message = "Each entry of ssh_allowed_cidrs must be an IPv4 CIDR block such as 203.0.113.0/24."
  }
}

variable "create_public_ip" {
  description = "Attach a static Standard public IP to the VM. Off by default (use Azure Bastion or a VPN)."
  type        = bool
  default     = false
}

variable "vnet_cidr" {
  description = "Address space of the VM's virtual network."
  type        = string
  default     = "10.20.0.0/16"

  validation {
    condition     = can(regex("^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$", var.vnet_cidr))
    error_message = "The vnet_cidr must be an IPv4 CIDR block such as 10.20.0.0/16."
  }
}

variable "subnet_cidr" {
  description = "Address range of the VM's subnet; must lie inside vnet_cidr."
  type        = string
  default     = "10.20.1.0/24"

  validation {
    condition     = can(regex("^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$", var.subnet_cidr))
    error_message = "The subnet_cidr must be an IPv4 CIDR block such as 10.20.1.0/24."
  }
}

variable "os_disk_size_gb" {
  description = "Size of the OS disk in GiB."
  type        = number
  default     = 30

  validation {
    condition     = var.os_disk_size_gb >= 30 && var.os_disk_size_gb <= 4095
    error_message = "The os_disk_size_gb must be from 30 to 4095."
  }
}

variable "os_disk_storage_type" {
  description = "Storage account type of the OS disk."
  type        = string
  default     = "StandardSSD_LRS"

  validation {
    condition     = contains(["Standard_LRS", "StandardSSD_LRS", "StandardSSD_ZRS", "Premium_LRS", "Premium_ZRS"], var.os_disk_storage_type)
    error_message = "The os_disk_storage_type must be one of Standard_LRS, StandardSSD_LRS, StandardSSD_ZRS, Premium_LRS, Premium_ZRS."
  }
}

variable "encryption_at_host" {
  description = "Also encrypt temp disk and disk caches on the host. Needs the EncryptionAtHost feature registered on the subscription. (The OS disk is encrypted at rest by Azure in any case.)"
  type        = bool
  default     = false
}

variable "image_publisher" {
  description = "Publisher of the marketplace image."
  type        = string
  default     = "Canonical"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.image_publisher))
    error_message = "The image_publisher must be a marketplace publisher name such as Canonical."
  }
}

variable "image_offer" {
  description = "Offer of the marketplace image."
  type        = string
  default     = "ubuntu-24_04-lts"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.image_offer))
    error_message = "The image_offer must be a marketplace offer name such as ubuntu-24_04-lts."
  }
}

variable "image_sku" {
  description = "SKU of the marketplace image."
  type        = string
  default     = "server"

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", var.image_sku))
    error_message = "The image_sku must be a marketplace SKU such as server."
  }
}

variable "image_version" {
  description = "Version of the marketplace image, or latest."
  type        = string
  default     = "latest"

  validation {
    condition     = can(regex("^(latest|[0-9]+\\.[0-9]+\\.[0-9]+)$", var.image_version))
    error_message = "The image_version must be latest or a version such as 24.04.202411030."
  }
}

variable "tags" {
  description = "Extra tags for every resource. The skyforge-deployment tag always wins."
  type        = map(string)
  default     = {}
}

variable "trusted_launch" {
  description = "Enable Trusted Launch (Secure Boot and vTPM). Needs a Generation 2 image and a VM size that supports it (most current sizes do)."
  type        = bool
  default     = true
}

variable "allow_extension_operations" {
  description = "Allow VM extensions (e.g. monitoring agents, Entra ID SSH login). Off by default to keep the attack surface small."
  type        = bool
  default     = false
}
