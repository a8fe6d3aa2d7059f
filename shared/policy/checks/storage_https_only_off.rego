package skyforge.checks.storage_https_only_off

import data.skyforge.lib

fail if lib.attr("https_only") != "true"
