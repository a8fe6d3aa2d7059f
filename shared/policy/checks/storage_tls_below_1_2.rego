package skyforge.checks.storage_tls_below_1_2

import data.skyforge.lib

fail if upper(lib.attr("min_tls_version")) in {"TLS1_0", "TLS1_1"}
