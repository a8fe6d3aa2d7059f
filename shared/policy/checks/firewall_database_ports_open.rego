package skyforge.checks.firewall_database_ports_open

import data.skyforge.lib

# SQL Server, MySQL, PostgreSQL, Redis, Elasticsearch, MongoDB
database_ports := [1433, 3306, 5432, 6379, 9200, 27017]

fail if {
	some port in database_ports
	lib.open_to_internet(port)
}
