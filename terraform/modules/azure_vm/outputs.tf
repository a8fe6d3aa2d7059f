output "id" {
  description = "Azure resource id of the virtual machine (native id)."
  value       = azurerm_linux_virtual_machine.this.id
}

output "vm_id" {
  description = "Azure's unique VM id (a GUID)."
  value       = azurerm_linux_virtual_machine.this.virtual_machine_id
}

output "name" {
  description = "Name of the virtual machine."
  value       = azurerm_linux_virtual_machine.this.name
}

output "location" {
  description = "Azure region the VM runs in."
  value       = azurerm_linux_virtual_machine.this.location
}

output "resource_group_name" {
  description = "Resource group holding the VM and its network."
  value       = azurerm_resource_group.this.name
}

output "private_ip" {
  description = "Private IPv4 address."
  value       = azurerm_linux_virtual_machine.this.private_ip_address
}

output "public_ip" {
  description = "Public IPv4 address, or null when create_public_ip is false."
  value       = var.create_public_ip ? azurerm_public_ip.this[0].ip_address : null
}

output "admin_username" {
  description = "Administrator user for SSH (key login only)."
  value       = var.admin_username
}
