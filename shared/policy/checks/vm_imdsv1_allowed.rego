package skyforge.checks.vm_imdsv1_allowed

import data.skyforge.lib

fail if lib.attr("imds_tokens") == "optional"
