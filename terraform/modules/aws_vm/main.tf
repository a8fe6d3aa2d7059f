locals {
  tags = merge(var.tags, {
    "skyforge-deployment" = var.deployment_id
    "Name"                = var.name
  })

  use_default_subnet = var.subnet_id == ""
  subnet_id          = local.use_default_subnet ? sort(data.aws_subnets.default[0].ids)[0] : var.subnet_id
  ami_id             = var.ami_id != "" ? var.ami_id : data.aws_ami.al2023[0].id
  ami_arch_suffix    = var.architecture == "arm64" ? "arm64" : "x86_64"
}

# --- image -------------------------------------------------------------------------

data "aws_ami" "al2023" {
  count = var.ami_id == "" ? 1 : 0

  most_recent = true
  owners      = ["amazon"]

  filter {
    name   = "name"
    values = ["al2023-ami-2023.*-kernel-*-${local.ami_arch_suffix}"]
  }

  filter {
    name   = "architecture"
    values = [var.architecture]
  }

  filter {
    name   = "virtualization-type"
    values = ["hvm"]
  }
}

# --- network -------------------------------------------------------------------------

data "aws_vpc" "default" {
  count   = local.use_default_subnet ? 1 : 0
  default = true
}

data "aws_subnets" "default" {
  count = local.use_default_subnet ? 1 : 0

  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.default[0].id]
  }

  filter {
    name   = "default-for-az"
    values = ["true"]
  }
}

data "aws_subnet" "selected" {
  id = local.subnet_id
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-"
  description = "Skyforge VM ${var.name}: SSH only from the allowed CIDRs, egress HTTP/HTTPS only"
  vpc_id      = data.aws_subnet.selected.vpc_id

  # No inbound rule at all unless the caller passes ssh_allowed_cidrs.
  dynamic "ingress" {
    for_each = length(var.ssh_allowed_cidrs) > 0 ? [1] : []
    content {
      description = "SSH from the allowed CIDR blocks"
      protocol    = "tcp"
      from_port   = 22
      to_port     = 22
      cidr_blocks = var.ssh_allowed_cidrs
    }
  }

  egress {
    description = "HTTPS out (package repositories, SSM, AWS APIs)"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    description = "HTTP out (package repositories that do not use TLS)"
    protocol    = "tcp"
    from_port   = 80
    to_port     = 80
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = local.tags

  lifecycle {
    create_before_destroy = true
  }
}

# --- identity ------------------------------------------------------------------------

data "aws_iam_policy_document" "assume_ec2" {
  statement {
    sid     = "EC2AssumeRole"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

data "aws_partition" "current" {}

resource "aws_iam_role" "this" {
  name_prefix        = "skyforge-vm-"
  description        = "Instance role of the Skyforge VM ${var.name} (deployment ${var.deployment_id})"
  assume_role_policy = data.aws_iam_policy_document.assume_ec2.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "ssm" {
  count      = var.enable_ssm ? 1 : 0
  role       = aws_iam_role.this.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

resource "aws_iam_instance_profile" "this" {
  name_prefix = "skyforge-vm-"
  role        = aws_iam_role.this.name
  tags        = local.tags
}

# --- SSH key -----------------------------------------------------------------------

resource "aws_key_pair" "this" {
  count      = var.ssh_public_key != "" ? 1 : 0
  key_name   = "${var.name}-${var.deployment_id}"
  public_key = var.ssh_public_key
  tags       = local.tags
}

# --- instance ------------------------------------------------------------------------

resource "aws_instance" "this" {
  ami                         = local.ami_id
  instance_type               = var.instance_type
  subnet_id                   = local.subnet_id
  vpc_security_group_ids      = [aws_security_group.this.id]
  associate_public_ip_address = var.associate_public_ip
  key_name                    = var.ssh_public_key != "" ? aws_key_pair.this[0].key_name : null
  iam_instance_profile        = aws_iam_instance_profile.this.name
  monitoring                  = var.detailed_monitoring
  ebs_optimized               = true

  # IMDSv2 only, not reachable from containers one hop further away.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  root_block_device {
    volume_type           = var.root_volume_type
    volume_size           = var.root_volume_size_gb
    encrypted             = true
    kms_key_id            = var.kms_key_id != "" ? var.kms_key_id : null
    delete_on_termination = true
    tags                  = local.tags
  }

  tags = local.tags

  lifecycle {
    # A newer Amazon Linux image must not replace a running VM on the next plan.
    ignore_changes = [ami]
  }
}
