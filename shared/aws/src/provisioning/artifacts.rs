//! Run artifacts in the artifact bucket, under the run's prefix
//! (`runs/<org>/<deployment>/<run>/`): `plan.tfplan` and `plan.json` from the plan phase,
//! `outputs.json` from the apply phase (all written by `infra/runner/run.sh`), and the archived
//! log as chunks `log/<first seq>-<last seq>.jsonl` (zero-padded, so they list in order).

use async_trait::async_trait;
use aws_sdk_s3::Client;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_types::error::display::DisplayErrorContext;
use skyforge_app::deployment_ports::RunArtifacts;
use skyforge_app::error::BoxError;
use skyforge_domain::deployments::LogLine;

pub const PLAN_JSON: &str = "plan.json";
pub const OUTPUTS_JSON: &str = "outputs.json";

#[derive(Clone)]
pub struct S3Artifacts {
    client: Client,
    bucket: String,
}

impl S3Artifacts {
    pub fn new(client: Client, bucket: &str) -> Self {
        Self { client, bucket: bucket.to_owned() }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    async fn read(&self, key: &str) -> Result<Option<Vec<u8>>, BoxError> {
        match self.client.get_object().bucket(&self.bucket).key(key).send().await {
            Ok(output) => Ok(Some(output.body.collect().await?.into_bytes().to_vec())),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => Ok(None),
            Err(e) => Err(DisplayErrorContext(e).to_string().into()),
        }
    }

    /// The log chunks' keys with their (first, last) sequence numbers, in order.
    async fn chunks(&self, prefix: &str) -> Result<Vec<(String, u64, u64)>, BoxError> {
        let mut chunks = Vec::new();
        let mut pages =
            self.client.list_objects_v2().bucket(&self.bucket).prefix(format!("{prefix}/log/")).into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| DisplayErrorContext(e).to_string())?;
            for object in page.contents() {
                let Some(key) = object.key() else { continue };
                let range = key
                    .rsplit('/')
                    .next()
                    .and_then(|name| name.strip_suffix(".jsonl"))
                    .and_then(|name| name.split_once('-'))
                    .and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?)));
                if let Some((first, last)) = range {
                    chunks.push((key.to_owned(), first, last));
                }
            }
        }
        chunks.sort_by_key(|c| c.1);
        Ok(chunks)
    }
}

#[async_trait]
impl RunArtifacts for S3Artifacts {
    async fn plan_json(&self, prefix: &str) -> Result<Option<Vec<u8>>, BoxError> {
        self.read(&format!("{prefix}/{PLAN_JSON}")).await
    }

    async fn outputs(&self, prefix: &str) -> Result<Option<Vec<u8>>, BoxError> {
        self.read(&format!("{prefix}/{OUTPUTS_JSON}")).await
    }

    async fn append_log(&self, prefix: &str, lines: &[LogLine]) -> Result<(), BoxError> {
        let (Some(first), Some(last)) = (lines.first(), lines.last()) else { return Ok(()) };
        let mut body = Vec::new();
        for line in lines {
            serde_json::to_writer(&mut body, line)?;
            body.push(b'\n');
        }
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(format!("{prefix}/log/{:012}-{:012}.jsonl", first.seq, last.seq))
            .content_type("application/x-ndjson")
            .body(ByteStream::from(body))
            .send()
            .await
            .map_err(|e| DisplayErrorContext(e).to_string())?;
        Ok(())
    }

    async fn log(&self, prefix: &str, after: u64, limit: usize) -> Result<Vec<LogLine>, BoxError> {
        let mut lines = Vec::new();
        for (key, _, last) in self.chunks(prefix).await? {
            if last <= after {
                continue;
            }
            let Some(body) = self.read(&key).await? else { continue };
            for raw in body.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                let line: LogLine = serde_json::from_slice(raw)?;
                if line.seq > after {
                    lines.push(line);
                }
            }
            if lines.len() >= limit {
                break;
            }
        }
        lines.sort_by_key(|l| l.seq);
        lines.truncate(limit);
        Ok(lines)
    }
}
