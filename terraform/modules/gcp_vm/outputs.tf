output "id" {
  description = "Numeric Compute Engine instance id (native id)."
  value       = google_compute_instance.this.instance_id
}

output "self_link" {
  description = "Self link of the instance."
  value       = google_compute_instance.this.self_link
}

output "name" {
  description = "Name of the VM instance."
  value       = google_compute_instance.this.name
}

output "region" {
  description = "Region the VM runs in (derived from the zone)."
  value       = local.region
}

output "zone" {
  description = "Zone the VM runs in."
  value       = google_compute_instance.this.zone
}

output "private_ip" {
  description = "Internal IPv4 address."
  value       = google_compute_instance.this.network_interface[0].network_ip
}

output "public_ip" {
  description = "External IPv4 address, or null when assign_public_ip is false."
  value       = var.assign_public_ip ? google_compute_instance.this.network_interface[0].access_config[0].nat_ip : null
}

output "service_account_email" {
  description = "Email of the VM's dedicated service account."
  value       = google_service_account.this.email
}
