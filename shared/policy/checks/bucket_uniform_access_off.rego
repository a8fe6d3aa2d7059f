package skyforge.checks.bucket_uniform_access_off

import data.skyforge.lib

fail if lib.attr("uniform_access") == "false"
