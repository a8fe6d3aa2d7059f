package skyforge.checks.bucket_public

import data.skyforge.lib

# AWS: a bucket policy that S3 itself evaluates as public
fail if {
	input.provider == "aws"
	lib.attr("policy_public") == "true"
}

# Azure: anonymous read of blobs allowed on the account
fail if {
	input.provider == "azure"
	lib.attr("public_blob_access") == "true"
}

# GCP: allUsers or allAuthenticatedUsers in the bucket IAM policy
fail if {
	input.provider == "gcp"
	not lib.attr("public_members") in {"", "none"}
}
