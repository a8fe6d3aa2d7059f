output "id" {
  description = "Id of the first sandbox instance."
  value       = null_resource.this[0].id
}

output "ids" {
  description = "Ids of all sandbox instances, by index."
  value       = null_resource.this[*].id
}

output "name" {
  description = "Base name of the sandbox instances."
  value       = var.name
}

output "instance_names" {
  description = "Names of all sandbox instances, by index."
  value       = [for r in null_resource.this : r.triggers.name]
}

output "region" {
  description = "Where the sandbox runs: always \"local\" (no cloud resources)."
  value       = "local"
}

output "deployment_id" {
  description = "The Skyforge deployment id the instances are tagged with."
  value       = var.deployment_id
}
