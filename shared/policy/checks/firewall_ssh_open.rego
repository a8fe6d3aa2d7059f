package skyforge.checks.firewall_ssh_open

import data.skyforge.lib

fail if lib.open_to_internet(22)
