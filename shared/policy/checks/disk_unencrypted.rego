package skyforge.checks.disk_unencrypted

import data.skyforge.lib

fail if lib.attr("encrypted") == "false"
