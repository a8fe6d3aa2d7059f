package skyforge.checks.public_ip_unattached

fail if input.state == "available"
