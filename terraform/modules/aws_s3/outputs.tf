output "id" {
  description = "Bucket name (the S3 bucket's native id)."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}

output "name" {
  description = "Bucket name."
  value       = aws_s3_bucket.this.bucket
}

output "region" {
  description = "AWS region of the bucket."
  value       = var.region
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket (for SDK endpoints)."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "versioning_enabled" {
  description = "Whether object versioning is enabled (always true)."
  value       = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
}
