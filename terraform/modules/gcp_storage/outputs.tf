output "id" {
  description = "Bucket id (the bucket name, its native id)."
  value       = google_storage_bucket.this.id
}

output "name" {
  description = "Bucket name."
  value       = google_storage_bucket.this.name
}

output "location" {
  description = "Bucket location as reported by GCS (upper case, e.g. EU or EUROPE-WEST1)."
  value       = google_storage_bucket.this.location
}

output "self_link" {
  description = "Self link of the bucket."
  value       = google_storage_bucket.this.self_link
}

output "url" {
  description = "gs:// URL of the bucket."
  value       = google_storage_bucket.this.url
}
