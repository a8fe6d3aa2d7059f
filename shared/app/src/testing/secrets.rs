//! Secrets: the platform's own (the JWT key) and each credential's.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use secrecy::SecretString;
use skyforge_domain::credentials::CloudSecret;

use crate::error::BoxError;
use crate::ports::Secrets;
use crate::sync_ports::CredentialSecrets;

/// The platform's secrets, by id; an unknown id is an error, as Secrets Manager answers.
#[derive(Default)]
pub struct FakeSecrets(Mutex<HashMap<String, String>>);

impl FakeSecrets {
    pub fn with(id: &str, value: &str) -> Arc<Self> {
        let secrets = Self::default();
        secrets.0.lock().unwrap().insert(id.to_owned(), value.to_owned());
        Arc::new(secrets)
    }
}

#[async_trait]
impl Secrets for FakeSecrets {
    async fn get(&self, id: &str) -> Result<SecretString, BoxError> {
        let value = self.0.lock().unwrap().get(id).cloned().ok_or_else(|| format!("no secret named {id}"))?;
        Ok(SecretString::from(value))
    }
}

/// Each credential's secret with every version put, and the ones scheduled for deletion
/// (which then read as gone, as after the recovery window).
#[derive(Default)]
pub struct MemoryCredentialSecrets {
    state: Mutex<SecretState>,
}

#[derive(Default)]
struct SecretState {
    versions: BTreeMap<String, Vec<CloudSecret>>,
    deleted: Vec<String>,
    down: bool,
}

impl MemoryCredentialSecrets {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Every version of a secret, oldest first.
    pub fn versions(&self, name: &str) -> Vec<CloudSecret> {
        self.state.lock().unwrap().versions.get(name).cloned().unwrap_or_default()
    }

    /// Names of every secret ever put.
    pub fn names(&self) -> Vec<String> {
        self.state.lock().unwrap().versions.keys().cloned().collect()
    }

    pub fn scheduled_for_deletion(&self, name: &str) -> bool {
        self.state.lock().unwrap().deleted.iter().any(|d| d == name)
    }

    /// While down, every call fails (Secrets Manager unreachable).
    pub fn set_down(&self, down: bool) {
        self.state.lock().unwrap().down = down;
    }

    fn check(state: &SecretState) -> Result<(), BoxError> {
        if state.down { Err("secrets are unavailable (MemoryCredentialSecrets::set_down)".into()) } else { Ok(()) }
    }
}

#[async_trait]
impl CredentialSecrets for MemoryCredentialSecrets {
    async fn put(&self, name: &str, secret: &CloudSecret) -> Result<(), BoxError> {
        let mut state = self.state.lock().unwrap();
        Self::check(&state)?;
        state.deleted.retain(|d| d != name);
        state.versions.entry(name.to_owned()).or_default().push(secret.clone());
        Ok(())
    }

    async fn get(&self, name: &str) -> Result<Option<CloudSecret>, BoxError> {
        let state = self.state.lock().unwrap();
        Self::check(&state)?;
        if state.deleted.iter().any(|d| d == name) {
            return Ok(None);
        }
        Ok(state.versions.get(name).and_then(|v| v.last().cloned()))
    }

    async fn schedule_deletion(&self, name: &str) -> Result<(), BoxError> {
        let mut state = self.state.lock().unwrap();
        Self::check(&state)?;
        if !state.deleted.iter().any(|d| d == name) {
            state.deleted.push(name.to_owned());
        }
        Ok(())
    }
}
