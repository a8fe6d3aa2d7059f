//! Profiles: one per Skyforge installation, in `<config dir>/skyforge/config.json` (0600, it
//! holds refresh tokens). A profile has the API's URL, a default organisation and, after
//! `skyforge login`, a refresh token.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The login's device token: this machine is a known device, so another source's failed
    /// logins never hold its owner back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_token: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Config {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// `SKYFORGE_CONFIG_DIR`, or the user's config directory (`~/.config/skyforge` on Linux).
pub fn dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("SKYFORGE_CONFIG_DIR") {
        return Ok(dir.into());
    }
    dirs::config_dir()
        .map(|d| d.join("skyforge"))
        .ok_or_else(|| "no config directory: set SKYFORGE_CONFIG_DIR".to_owned())
}

pub fn path() -> Result<PathBuf, String> {
    Ok(dir()?.join("config.json"))
}

impl Config {
    pub fn load() -> Result<Self, String> {
        let path = path()?;
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| format!("{} is not valid: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(format!("reading {}: {e}", path.display())),
        }
    }

    /// Writes the file readable by its owner only (it holds refresh tokens).
    pub fn save(&self) -> Result<(), String> {
        let path = path()?;
        let dir = path.parent().expect("a file in a directory");
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let text = serde_json::to_string_pretty(self).expect("a config serialises");
        let tmp = dir.join(".config.json.tmp");
        write_private(&tmp, text.as_bytes()).map_err(|e| format!("writing {}: {e}", tmp.display()))?;
        std::fs::rename(&tmp, &path).map_err(|e| format!("writing {}: {e}", path.display()))
    }
}

#[cfg(unix)]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    use std::os::unix::fs::PermissionsExt;
    let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
    // a file created before with wider permissions keeps them: narrow it
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}
