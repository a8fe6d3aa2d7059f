//! Identifiers: a kind prefix and a ULID (`usr_01JD...`), so an id says what it names and sorts
//! by creation time.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ulid::Ulid;

/// The id was not of the expected kind or not a ULID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a valid {kind} id")]
pub struct InvalidId {
    pub kind: &'static str,
}

macro_rules! prefixed_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Ulid);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            pub fn new() -> Self {
                Self(Ulid::new())
            }

            pub fn ulid(&self) -> Ulid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }

        impl FromStr for $name {
            type Err = InvalidId;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.strip_prefix($prefix)
                    .and_then(|rest| Ulid::from_string(rest).ok())
                    .map(Self)
                    .ok_or(InvalidId { kind: $kind })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                raw.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

prefixed_id!(/// A person with a login.
    UserId, "usr_", "user");
prefixed_id!(/// An organisation (tenant).
    OrgId, "org_", "organisation");
prefixed_id!(/// A personal API token.
    TokenId, "tok_", "token");
prefixed_id!(/// A login session: the family of refresh tokens issued from one login.
    SessionId, "ses_", "session");
prefixed_id!(/// One audit event.
    AuditId, "aud_", "audit event");
prefixed_id!(/// A connected cloud account (AWS account, Azure service principal, GCP service account).
    CredentialId, "cred_", "credential");
prefixed_id!(/// One sync of one credential.
    SyncRunId, "sync_", "sync run");
prefixed_id!(/// A deployment: one Terraform module instance with its state.
    DeploymentId, "dep_", "deployment");
prefixed_id!(/// One run (plan and apply, or destroy) of a deployment.
    RunId, "run_", "run");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_round_trips_through_its_text_form() {
        let id = UserId::new();
        let text = id.to_string();
        assert!(text.starts_with("usr_"));
        assert_eq!(text.parse::<UserId>().unwrap(), id);
    }

    #[test]
    fn id_of_another_kind_is_refused() {
        let org = OrgId::new().to_string();
        assert_eq!(org.parse::<UserId>(), Err(InvalidId { kind: "user" }));
        assert!("usr_not-a-ulid".parse::<UserId>().is_err());
        assert!("".parse::<UserId>().is_err());
    }
}
