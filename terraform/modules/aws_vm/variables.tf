variable "deployment_id" {
  description = "Skyforge deployment id; every resource is tagged skyforge-deployment = <deployment_id>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,62}$", var.deployment_id))
    error_message = "The deployment_id must be 1-63 characters of lowercase letters, digits, '_' or '-', starting with a letter or digit."
  }
}

variable "name" {
  description = "Name of the virtual machine (Name tag and prefix of the security group)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,61}[a-z0-9]$", var.name))
    error_message = "The name must be 2-63 characters of lowercase letters, digits and '-', start with a letter and not end with '-'."
  }
}

variable "region" {
  description = "AWS region to deploy into, e.g. us-east-1."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2,4}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$", var.region))
    error_message = "The region must be an AWS region code such as us-east-1 or eu-west-2."
  }
}

variable "instance_type" {
  description = "EC2 instance type, e.g. t3.micro. Must be EBS-optimized capable (current generation) and match var.architecture."
  type        = string
  default     = "t3.micro"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\\.[a-z0-9]+$", var.instance_type))
    error_message = "The instance_type must look like an EC2 instance type, e.g. t3.micro or m7g.large."
  }
}

variable "architecture" {
  description = "CPU architecture of the default Amazon Linux 2023 image (ignored when ami_id is set)."
  type        = string
  default     = "x86_64"

  validation {
    condition     = contains(["x86_64", "arm64"], var.architecture)
    error_message = "The architecture must be x86_64 or arm64."
  }
}

variable "ami_id" {
  description = "AMI to boot. Empty means the latest Amazon Linux 2023 image for var.architecture."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^(ami-[0-9a-f]{8}([0-9a-f]{9})?)?$", var.ami_id))
    error_message = "The ami_id must be empty or an AMI id such as ami-0123456789abcdef0."
  }
}

variable "subnet_id" {
  description = "Subnet to launch into. Empty means the default subnet of the region's default VPC."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^(subnet-[0-9a-f]{8}([0-9a-f]{9})?)?$", var.subnet_id))
    error_message = "The subnet_id must be empty or a subnet id such as subnet-0123456789abcdef0."
  }
}

variable "associate_public_ip" {
  description = "Give the instance a public IPv4 address. Off by default; use SSM Session Manager or a bastion instead."
  type        = bool
  default     = false
}

variable "ssh_public_key" {
  description = "OpenSSH public key installed for the default user (key-based SSH only). Empty means no key pair."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^((ssh-(rsa|ed25519)|ecdsa-sha2-nistp(256|384|521)) [A-Za-z0-9+/]+={0,3}( [^\\n]*)?)?$", var.ssh_public_key))
    error_message = "The ssh_public_key must be empty or an OpenSSH public key (ssh-ed25519, ssh-rsa or ecdsa-sha2-nistp*)."
  }
}

variable "ssh_allowed_cidrs" {
  description = "IPv4 CIDR blocks allowed to reach SSH (TCP 22). Empty (the default) opens no inbound port at all; 0.0.0.0/0 is only allowed if passed explicitly."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.ssh_allowed_cidrs : can(regex("^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$", c))])
    error_message = "Each entry of ssh_allowed_cidrs must be an IPv4 CIDR block such as 203.0.113.0/24."
  }
}

variable "root_volume_size_gb" {
  description = "Size of the encrypted root volume in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.root_volume_size_gb >= 8 && var.root_volume_size_gb <= 1024
    error_message = "The root_volume_size_gb must be from 8 to 1024."
  }
}

variable "root_volume_type" {
  description = "EBS volume type of the root volume."
  type        = string
  default     = "gp3"

  validation {
    condition     = contains(["gp3", "gp2", "io1", "io2"], var.root_volume_type)
    error_message = "The root_volume_type must be one of gp3, gp2, io1, io2."
  }
}

variable "kms_key_id" {
  description = "ARN of a KMS key for the root volume. Empty means the account's AWS-managed EBS key (aws/ebs); the volume is encrypted either way."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^(arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+)?$", var.kms_key_id))
    error_message = "The kms_key_id must be empty or a KMS key ARN."
  }
}

variable "detailed_monitoring" {
  description = "Enable 1-minute CloudWatch detailed monitoring (billed per instance)."
  type        = bool
  default     = true
}

variable "enable_ssm" {
  description = "Attach AmazonSSMManagedInstanceCore to the instance role so the VM is reachable through SSM Session Manager without any open port."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Extra tags for every resource. The skyforge-deployment and Name tags always win."
  type        = map(string)
  default     = {}
}
