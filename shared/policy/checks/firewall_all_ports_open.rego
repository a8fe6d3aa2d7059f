package skyforge.checks.firewall_all_ports_open

import data.skyforge.lib

fail if {
	some rule in lib.ingress
	lib.from_internet(rule)
	rule.protocol in {"tcp", "all"}
	rule.from <= 1
	rule.to >= 65535
}
