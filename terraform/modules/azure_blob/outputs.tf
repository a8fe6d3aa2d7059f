output "id" {
  description = "Azure resource id of the storage account (native id)."
  value       = azurerm_storage_account.this.id
}

output "name" {
  description = "Storage account name."
  value       = azurerm_storage_account.this.name
}

output "container_name" {
  description = "Name of the private blob container."
  value       = azurerm_storage_container.this.name
}

output "container_id" {
  description = "Resource Manager id of the blob container."
  value       = azurerm_storage_container.this.id
}

output "location" {
  description = "Azure region of the storage account."
  value       = azurerm_storage_account.this.location
}

output "resource_group_name" {
  description = "Resource group holding the storage account."
  value       = azurerm_resource_group.this.name
}

output "primary_blob_endpoint" {
  description = "Blob service endpoint, e.g. https://<account>.blob.core.windows.net/."
  value       = azurerm_storage_account.this.primary_blob_endpoint
}
