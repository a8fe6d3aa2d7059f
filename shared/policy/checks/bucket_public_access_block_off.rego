package skyforge.checks.bucket_public_access_block_off

import data.skyforge.lib

fail if lib.attr("public_access_block") != "true"
