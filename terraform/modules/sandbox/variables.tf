variable "deployment_id" {
  description = "Skyforge deployment id; recorded in every resource's triggers under the key skyforge-deployment."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", var.deployment_id))
    error_message = "The deployment_id must be 1-63 characters of lowercase letters, digits, '_' or '-', starting with a letter or digit."
  }
}

variable "name" {
  description = "Name of the sandbox resource(s); instances are named <name>-<index>."
  type        = string
  default     = "sandbox"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,38}[a-z0-9]$", var.name))
    error_message = "The name must be 2-40 characters of lowercase letters, digits and '-', start with a letter and not end with '-'."
  }
}

variable "instance_count" {
  description = "Number of null_resource instances to create."
  type        = number
  default     = 1

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 5
    error_message = "The instance_count must be a whole number from 1 to 5."
  }
}

variable "message" {
  description = "Message echoed by the local-exec provisioner while each instance is created."
  type        = string
  default     = "Hello from the Skyforge sandbox"

  validation {
    condition     = can(regex("^[A-Za-z0-9 .,:;!?()_+=@/-]{1,200}$", var.message))
    error_message = "The message must be 1-200 characters of letters, digits, spaces and the punctuation .,:;!?()_+=@/-."
  }
}

variable "step_delay_seconds" {
  description = "Seconds to sleep between the provisioner's progress lines (4 sleeps per instance, so about 4 s at the default)."
  type        = number
  default     = 1

  validation {
    condition     = var.step_delay_seconds >= 0 && var.step_delay_seconds <= 2
    error_message = "The step_delay_seconds must be a number from 0 to 2."
  }
}
