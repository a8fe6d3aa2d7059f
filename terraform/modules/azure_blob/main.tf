locals {
  tags = merge(var.tags, {
    "skyforge-deployment" = var.deployment_id
  })

  resource_group_name = substr("${var.storage_account_name}-${var.deployment_id}-rg", 0, 90)
}

resource "azurerm_resource_group" "this" {
  name     = local.resource_group_name
  location = var.location
  tags     = local.tags
}

resource "azurerm_storage_account" "this" {
  #checkov:skip=CKV_AZURE_59:The public endpoint stays on but its firewall denies all traffic except trusted Azure services and var.allowed_ip_ranges (network_rules below); turning it off entirely needs a private endpoint and private DNS in a caller-owned VNet, which a standalone bucket template does not have.
  #checkov:skip=CKV2_AZURE_33:A private endpoint needs a caller-owned VNet, subnet and private DNS zone; network access is instead limited by the storage firewall (default Deny).
  #checkov:skip=CKV2_AZURE_1:Data is encrypted at rest with Microsoft-managed keys plus infrastructure (double) encryption; customer-managed keys need a Key Vault with purge protection, a key rotation owner and an identity, which are outside a generic bucket template.
  #checkov:skip=CKV_AZURE_33:Only Blob storage is used; Queue service logging is a data-plane setting that Terraform cannot write here (shared keys off, firewall Deny, provider feature data_plane_available = false).
  name                     = var.storage_account_name
  resource_group_name      = azurerm_resource_group.this.name
  location                 = azurerm_resource_group.this.location
  account_kind             = "StorageV2"
  account_tier             = "Standard"
  account_replication_type = var.replication_type
  access_tier              = var.access_tier

  # Transport and authentication.
  https_traffic_only_enabled      = true
  min_tls_version                 = "TLS1_2"
  shared_access_key_enabled       = false
  default_to_oauth_authentication = true
  local_user_enabled              = false
  sftp_enabled                    = false

  # No anonymous (public) access to any container or blob.
  allow_nested_items_to_be_public = false

  # Encryption at rest (Microsoft-managed keys) also covers queues and tables, and adds
  # a second layer of encryption at the infrastructure level.
  infrastructure_encryption_enabled = true
  queue_encryption_key_type         = "Account"
  table_encryption_key_type         = "Account"

  network_rules {
    default_action = "Deny"
    bypass         = ["AzureServices"]
    ip_rules       = var.allowed_ip_ranges
  }

  blob_properties {
    versioning_enabled  = true
    change_feed_enabled = true

    delete_retention_policy {
      days = var.soft_delete_retention_days
    }

    container_delete_retention_policy {
      days = var.soft_delete_retention_days
    }
  }

  # Any SAS that is still issued (user delegation SAS) should be short-lived.
  sas_policy {
    expiration_period = "0.01:00:00"
    expiration_action = "Log"
  }

  tags = local.tags
}

# Created through Azure Resource Manager (storage_account_id), so it works while the
# storage firewall denies the data plane.
resource "azurerm_storage_container" "this" {
  #checkov:skip=CKV2_AZURE_21:Blob read logging through Storage Insights needs a Log Analytics workspace owned by the platform; attach an Azure Monitor diagnostic setting to the account where a workspace exists.
  name                  = var.container_name
  storage_account_id    = azurerm_storage_account.this.id
  container_access_type = "private"
}
