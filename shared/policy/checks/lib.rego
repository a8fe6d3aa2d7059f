# Helpers every built-in check shares. A firewall's `ingress` attribute lists the rules that
# allow inbound traffic as `protocol|from-to|source`, comma-separated; sources on the
# internet are normalised by the adapters, the aliases below are accepted too.
package skyforge.lib

internet_sources := {"0.0.0.0/0", "::/0", "*", "internet", "any"}

ingress contains rule if {
	some entry in split(object.get(input.attributes, "ingress", ""), ",")
	parts := split(trim_space(entry), "|")
	count(parts) == 3
	ports := split(parts[1], "-")
	rule := {
		"protocol": lower(parts[0]),
		"from": to_number(ports[0]),
		"to": to_number(ports[count(ports) - 1]),
		"source": lower(parts[2]),
	}
}

from_internet(rule) if rule.source in internet_sources

# TCP reaches `port` from anywhere on the internet.
open_to_internet(port) if {
	some rule in ingress
	from_internet(rule)
	rule.protocol in {"tcp", "all"}
	rule.from <= port
	port <= rule.to
}

attr(name) := object.get(input.attributes, name, "")
