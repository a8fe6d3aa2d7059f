locals {
  tags = merge(var.tags, {
    "skyforge-deployment" = var.deployment_id
  })

  # Resource group names are unique per subscription: include the deployment id.
  resource_group_name = substr("${var.name}-${var.deployment_id}-rg", 0, 90)
}

resource "azurerm_resource_group" "this" {
  name     = local.resource_group_name
  location = var.location
  tags     = local.tags
}

# --- network -------------------------------------------------------------------------

resource "azurerm_virtual_network" "this" {
  name                = "${var.name}-vnet"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  address_space       = [var.vnet_cidr]
  tags                = local.tags
}

resource "azurerm_subnet" "this" {
  name                 = "${var.name}-subnet"
  resource_group_name  = azurerm_resource_group.this.name
  virtual_network_name = azurerm_virtual_network.this.name
  address_prefixes     = [var.subnet_cidr]
}

resource "azurerm_network_security_group" "this" {
  name                = "${var.name}-nsg"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags

  # Azure's default rules already deny inbound traffic from the internet; SSH is opened
  # only for the CIDR blocks the caller passes.
  dynamic "security_rule" {
    for_each = length(var.ssh_allowed_cidrs) > 0 ? [1] : []
    content {
      name                       = "allow-ssh-from-allowed-cidrs"
      description                = "SSH from the allowed CIDR blocks"
      priority                   = 100
      direction                  = "Inbound"
      access                     = "Allow"
      protocol                   = "Tcp"
      source_port_range          = "*"
      destination_port_range     = "22"
      source_address_prefixes    = var.ssh_allowed_cidrs
      destination_address_prefix = "VirtualNetwork"
    }
  }
}

resource "azurerm_subnet_network_security_group_association" "this" {
  subnet_id                 = azurerm_subnet.this.id
  network_security_group_id = azurerm_network_security_group.this.id
}

resource "azurerm_public_ip" "this" {
  count = var.create_public_ip ? 1 : 0

  name                = "${var.name}-pip"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  allocation_method   = "Static"
  sku                 = "Standard"
  tags                = local.tags
}

resource "azurerm_network_interface" "this" {
  #checkov:skip=CKV_AZURE_119:The public IP is opt-in through var.create_public_ip (default false, so the NIC has none); checkov cannot evaluate the conditional reference and flags the mere possibility.
  name                = "${var.name}-nic"
  location            = azurerm_resource_group.this.location
  resource_group_name = azurerm_resource_group.this.name
  tags                = local.tags

  ip_configuration {
    name                          = "primary"
    subnet_id                     = azurerm_subnet.this.id
    private_ip_address_allocation = "Dynamic"
    public_ip_address_id          = var.create_public_ip ? azurerm_public_ip.this[0].id : null
  }
}

# --- virtual machine -------------------------------------------------------------------

resource "azurerm_linux_virtual_machine" "this" {
  name                  = var.name
  computer_name         = var.name
  location              = azurerm_resource_group.this.location
  resource_group_name   = azurerm_resource_group.this.name
  size                  = var.vm_size
  network_interface_ids = [azurerm_network_interface.this.id]

  # SSH keys only: no password is set and password login is disabled.
  admin_username                  = var.admin_username
  disable_password_authentication = true

  admin_ssh_key {
    username   = var.admin_username
    public_key = var.ssh_public_key
  }

  provision_vm_agent         = true
  allow_extension_operations = var.allow_extension_operations
  encryption_at_host_enabled = var.encryption_at_host
  secure_boot_enabled        = var.trusted_launch
  vtpm_enabled               = var.trusted_launch

  # Managed disks are always encrypted at rest (Azure Storage Service Encryption).
  os_disk {
    name                 = "${var.name}-osdisk"
    caching              = "ReadWrite"
    storage_account_type = var.os_disk_storage_type
    disk_size_gb         = var.os_disk_size_gb
  }

  source_image_reference {
    publisher = var.image_publisher
    offer     = var.image_offer
    sku       = var.image_sku
    version   = var.image_version
  }

  # Boot diagnostics in a Microsoft-managed storage account.
  boot_diagnostics {}

  tags = local.tags

  depends_on = [azurerm_subnet_network_security_group_association.this]
}
