package skyforge.checks.vm_public_admin_port

import data.skyforge.lib

fail if {
	count(input.public_ips) > 0
	lib.attr("internet_admin_ports") != ""
}
