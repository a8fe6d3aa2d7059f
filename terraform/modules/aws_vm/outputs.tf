output "id" {
  description = "EC2 instance id (native id)."
  value       = aws_instance.this.id
}

output "arn" {
  description = "EC2 instance ARN."
  value       = aws_instance.this.arn
}

output "name" {
  description = "Name of the VM (its Name tag)."
  value       = var.name
}

output "region" {
  description = "AWS region the VM runs in."
  value       = var.region
}

output "availability_zone" {
  description = "Availability zone the VM runs in."
  value       = aws_instance.this.availability_zone
}

output "private_ip" {
  description = "Private IPv4 address."
  value       = aws_instance.this.private_ip
}

output "public_ip" {
  description = "Public IPv4 address, or null when associate_public_ip is false."
  value       = aws_instance.this.public_ip != "" ? aws_instance.this.public_ip : null
}

output "security_group_id" {
  description = "Id of the VM's security group."
  value       = aws_security_group.this.id
}

output "ami_id" {
  description = "AMI the VM was launched from."
  value       = aws_instance.this.ami
}

output "iam_role_name" {
  description = "Name of the instance role (attach further policies to it as needed)."
  value       = aws_iam_role.this.name
}
