package skyforge.checks.disk_without_customer_key

import data.skyforge.lib

fail if lib.attr("encryption_key") != "customer_managed"
