package skyforge.checks.firewall_rdp_open

import data.skyforge.lib

fail if lib.open_to_internet(3389)
