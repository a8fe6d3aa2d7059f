package skyforge.checks.bucket_default_encryption_off

import data.skyforge.lib

fail if lib.attr("default_encryption") in {"", "none"}
