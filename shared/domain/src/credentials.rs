//! Cloud credentials: what a team connects (an AWS account by role or keys, an Azure service
//! principal, a GCP service account), checked for shape here. The secret part travels as a
//! [`CloudSecret`] to Secrets Manager and nowhere else; the rest is metadata.

use std::fmt;
use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{FieldError, ValidationErrors};
use crate::ids::{CredentialId, OrgId, UserId};
use crate::provider::Provider;
use crate::values::Label;

/// A string that must never be printed: `Debug` and `Display` show `<redacted>`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sensitive(String);

impl Sensitive {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// The secret material of a credential, exactly as stored in Secrets Manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CloudSecret {
    AwsKeys {
        access_key_id: String,
        secret_access_key: Sensitive,
    },
    /// Assumed through STS with the organisation's external id.
    AwsRole {
        role_arn: String,
        external_id: String,
    },
    AzureServicePrincipal {
        tenant_id: String,
        client_id: String,
        client_secret: Sensitive,
        subscription_ids: Vec<String>,
    },
    GcpServiceAccount {
        client_email: String,
        key_json: Sensitive,
        project_ids: Vec<String>,
        /// The Cloud Billing export table (`project.dataset.table`) costs are read from;
        /// absent in secrets stored before costs existed, and optional.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        billing_export: Option<String>,
    },
}

impl CloudSecret {
    pub fn provider(&self) -> Provider {
        match self {
            CloudSecret::AwsKeys { .. } | CloudSecret::AwsRole { .. } => Provider::Aws,
            CloudSecret::AzureServicePrincipal { .. } => Provider::Azure,
            CloudSecret::GcpServiceAccount { .. } => Provider::Gcp,
        }
    }

    /// How the credential authenticates, as shown to users.
    pub fn method(&self) -> &'static str {
        match self {
            CloudSecret::AwsKeys { .. } => "access_key",
            CloudSecret::AwsRole { .. } => "role",
            CloudSecret::AzureServicePrincipal { .. } => "service_principal",
            CloudSecret::GcpServiceAccount { .. } => "service_account",
        }
    }

    /// A hint that tells credentials apart without revealing anything secret.
    pub fn hint(&self) -> String {
        match self {
            CloudSecret::AwsKeys { access_key_id, .. } => {
                let tail: String = access_key_id.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
                format!("{}…{tail}", &access_key_id[..4.min(access_key_id.len())])
            }
            CloudSecret::AwsRole { role_arn, .. } => role_arn.clone(),
            CloudSecret::AzureServicePrincipal { client_id, .. } => format!("client {client_id}"),
            CloudSecret::GcpServiceAccount { client_email, .. } => client_email.clone(),
        }
    }

    /// Azure subscriptions or GCP projects; empty for AWS (one account per credential).
    pub fn scopes(&self) -> &[String] {
        match self {
            CloudSecret::AzureServicePrincipal { subscription_ids, .. } => subscription_ids,
            CloudSecret::GcpServiceAccount { project_ids, .. } => project_ids,
            _ => &[],
        }
    }
}

/// The fields a client sends to add or rotate a credential, all optional here: which are
/// required depends on the provider, and [`parse_credential`] names each one missing.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct CredentialInput {
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<Sensitive>,
    pub role_arn: Option<String>,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<Sensitive>,
    pub subscription_ids: Option<Vec<String>>,
    pub service_account_key: Option<Sensitive>,
    pub project_ids: Option<Vec<String>>,
    /// GCP: the BigQuery table of the Cloud Billing export, `project.dataset.table`.
    pub billing_export: Option<String>,
}

static GUID: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    regex_lite::Regex::new(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$").unwrap()
});
static ACCESS_KEY: LazyLock<regex_lite::Regex> =
    LazyLock::new(|| regex_lite::Regex::new(r"^(AKIA|ASIA)[A-Z0-9]{12,124}$").unwrap());
static ROLE_ARN: LazyLock<regex_lite::Regex> =
    LazyLock::new(|| regex_lite::Regex::new(r"^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$").unwrap());
/// `project.dataset.table` of a BigQuery table: a project id, then dataset and table names.
pub static BILLING_EXPORT: LazyLock<regex_lite::Regex> = LazyLock::new(|| {
    regex_lite::Regex::new(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]\.[A-Za-z0-9_]{1,1024}\.[A-Za-z0-9_]{1,1024}$").unwrap()
});
static PROJECT_ID: LazyLock<regex_lite::Regex> =
    LazyLock::new(|| regex_lite::Regex::new(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$").unwrap());

fn required<T>(field: &str, value: Option<T>, errors: &mut ValidationErrors) -> Option<T> {
    if value.is_none() {
        errors.0.push(FieldError::new(field, "required", format!("{field} is required for this provider")));
    }
    value
}

fn non_empty(field: &str, value: Option<Sensitive>, errors: &mut ValidationErrors) -> Option<Sensitive> {
    match required(field, value, errors) {
        Some(v) if v.expose().trim().is_empty() => {
            errors.0.push(FieldError::new(field, "required", format!("{field} must not be empty")));
            None
        }
        other => other,
    }
}

fn list(
    field: &str,
    values: Option<Vec<String>>,
    pattern: &regex_lite::Regex,
    what: &str,
    errors: &mut ValidationErrors,
) -> Option<Vec<String>> {
    let values = required(field, values, errors)?;
    if values.is_empty() {
        errors.0.push(FieldError::new(field, "required", format!("{field} needs at least one {what}")));
        return None;
    }
    if values.len() > 100 {
        errors.0.push(FieldError::new(field, "too_many", format!("{field} takes at most 100 entries")));
        return None;
    }
    let mut ok = true;
    for (i, value) in values.iter().enumerate() {
        if !pattern.is_match(value.trim()) {
            errors.0.push(FieldError::new(format!("{field}[{i}]"), "invalid_format", format!("not a valid {what}")));
            ok = false;
        }
    }
    let mut values: Vec<String> = values.into_iter().map(|v| v.trim().to_owned()).collect();
    values.sort();
    values.dedup();
    ok.then_some(values)
}

/// Checks a credential's shape for its provider and turns it into the secret to store.
/// `external_id` is the organisation's, used for role credentials.
pub fn parse_credential(
    provider: Provider,
    input: CredentialInput,
    external_id: &str,
) -> Result<CloudSecret, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let secret = match provider {
        Provider::Aws => {
            if let Some(role_arn) = input.role_arn {
                if input.access_key_id.is_some() || input.secret_access_key.is_some() {
                    errors.0.push(FieldError::new(
                        "role_arn",
                        "conflict",
                        "give either role_arn or an access key pair, not both",
                    ));
                }
                if !ROLE_ARN.is_match(role_arn.trim()) {
                    errors.0.push(FieldError::new(
                        "role_arn",
                        "invalid_format",
                        "role_arn looks like arn:aws:iam::123456789012:role/skyforge-readonly",
                    ));
                }
                Some(CloudSecret::AwsRole { role_arn: role_arn.trim().to_owned(), external_id: external_id.to_owned() })
            } else {
                let key = required("access_key_id", input.access_key_id, &mut errors);
                let secret = non_empty("secret_access_key", input.secret_access_key, &mut errors);
                if let Some(key) = &key
                    && !ACCESS_KEY.is_match(key.trim())
                {
                    errors.0.push(FieldError::new(
                        "access_key_id",
                        "invalid_format",
                        "an access key id starts with AKIA or ASIA, followed by capital letters and digits",
                    ));
                }
                if let Some(secret) = &secret
                    && (secret.expose().trim().len() < 16 || secret.expose().trim().len() > 128)
                {
                    errors.0.push(FieldError::new(
                        "secret_access_key",
                        "invalid_format",
                        "a secret access key has 40 characters",
                    ));
                }
                key.zip(secret).map(|(k, s)| CloudSecret::AwsKeys {
                    access_key_id: k.trim().to_owned(),
                    secret_access_key: Sensitive::new(s.expose().trim()),
                })
            }
        }
        Provider::Azure => {
            let tenant = required("tenant_id", input.tenant_id, &mut errors);
            let client = required("client_id", input.client_id, &mut errors);
            let secret = non_empty("client_secret", input.client_secret, &mut errors);
            let subs = list("subscription_ids", input.subscription_ids, &GUID, "subscription id (a GUID)", &mut errors);
            for (field, value) in [("tenant_id", &tenant), ("client_id", &client)] {
                if let Some(value) = value
                    && !GUID.is_match(value.trim())
                {
                    errors.0.push(FieldError::new(
                        field,
                        "invalid_format",
                        format!("{field} is a GUID like 00000000-0000-0000-0000-000000000000"),
                    ));
                }
            }
            match (tenant, client, secret, subs) {
                (Some(t), Some(c), Some(s), Some(subs)) => Some(CloudSecret::AzureServicePrincipal {
                    tenant_id: t.trim().to_lowercase(),
                    client_id: c.trim().to_lowercase(),
                    client_secret: s,
                    subscription_ids: subs.into_iter().map(|s| s.to_lowercase()).collect(),
                }),
                _ => None,
            }
        }
        Provider::Gcp => {
            let key = non_empty("service_account_key", input.service_account_key, &mut errors);
            let projects = list("project_ids", input.project_ids, &PROJECT_ID, "project id", &mut errors);
            let email = key.as_ref().and_then(|key| match service_account_email(key.expose()) {
                Ok(email) => Some(email),
                Err(error) => {
                    errors.0.push(error);
                    None
                }
            });
            let billing_export = match input.billing_export.map(|b| b.trim().to_owned()).filter(|b| !b.is_empty()) {
                Some(table) if BILLING_EXPORT.is_match(&table) => Some(table),
                Some(_) => {
                    errors.0.push(FieldError::new(
                        "billing_export",
                        "invalid_format",
                        "billing_export is the BigQuery table of the billing export, as project.dataset.table",
                    ));
                    None
                }
                None => None,
            };
            match (key, email, projects) {
                (Some(key), Some(email), Some(projects)) => Some(CloudSecret::GcpServiceAccount {
                    client_email: email,
                    key_json: key,
                    project_ids: projects,
                    billing_export,
                }),
                _ => None,
            }
        }
    };
    errors.finish()?;
    Ok(secret.expect("no errors means every part parsed"))
}

/// A service-account key is the JSON file Google issues: type, client_email, private_key.
fn service_account_email(key_json: &str) -> Result<String, FieldError> {
    let invalid = |why: &str| {
        FieldError::new(
            "service_account_key",
            "invalid_format",
            format!("service_account_key must be the JSON key file of a service account: {why}"),
        )
    };
    let value: serde_json::Value = serde_json::from_str(key_json).map_err(|_| invalid("not JSON"))?;
    if value["type"] != "service_account" {
        return Err(invalid("\"type\" is not \"service_account\""));
    }
    if !value["private_key"].as_str().is_some_and(|k| k.contains("PRIVATE KEY")) {
        return Err(invalid("no \"private_key\""));
    }
    let email =
        value["client_email"].as_str().filter(|e| e.contains('@')).ok_or_else(|| invalid("no \"client_email\""))?;
    Ok(email.to_owned())
}

/// The AWS regions a credential may be limited to (the commercial partition's public regions).
pub const AWS_REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
];

/// Checks a chosen region list: known names, no duplicates. An empty list is refused; `None`
/// (not sent) means "every region enabled for the account".
pub fn parse_regions(provider: Provider, regions: Vec<String>) -> Result<Vec<String>, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    if regions.is_empty() {
        errors.0.push(FieldError::new(
            "regions",
            "required",
            "choose at least one region, or leave regions out for all enabled regions",
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(regions.len());
    for (i, region) in regions.into_iter().enumerate() {
        let region = region.trim().to_lowercase();
        let known = match provider {
            Provider::Aws => AWS_REGIONS.contains(&region.as_str()),
            // Azure locations and GCP regions: lower-case words and digits
            _ => {
                !region.is_empty()
                    && region.len() <= 40
                    && region.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            }
        };
        if !known {
            errors.0.push(FieldError::new(
                format!("regions[{i}]"),
                "unknown_region",
                format!("{region:?} is not a {provider} region"),
            ));
        } else if !out.contains(&region) {
            out.push(region);
        }
    }
    errors.finish()?;
    out.sort();
    Ok(out)
}

pub const CREDENTIAL_NAME_MAX: usize = 100;

pub fn parse_name(raw: &str) -> Result<String, FieldError> {
    Label::parse("name", raw, CREDENTIAL_NAME_MAX).map(Label::into_string)
}

/// A connected cloud account: everything but the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credential {
    pub id: CredentialId,
    pub org_id: OrgId,
    pub provider: Provider,
    pub name: String,
    /// `access_key`, `role`, `service_principal`, `service_account`.
    pub method: String,
    /// Tells credentials apart without revealing anything (masked key id, role ARN, email).
    pub hint: String,
    /// AWS account id, Azure tenant, GCP project reached when the credential was checked.
    pub account_id: Option<String>,
    /// Azure subscriptions or GCP projects it syncs.
    pub scopes: Vec<String>,
    /// `None`: every region enabled for the account.
    pub regions: Option<Vec<String>>,
    pub sync_enabled: bool,
    /// Where the secret lives (a Secrets Manager name).
    pub secret_id: String,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(result: Result<CloudSecret, ValidationErrors>) -> Vec<(String, &'static str)> {
        let mut codes: Vec<_> = result.unwrap_err().0.into_iter().map(|e| (e.field, e.code)).collect();
        codes.sort();
        codes
    }

    #[test]
    fn aws_keys_and_roles_are_checked_for_shape() {
        let keys = CredentialInput {
            access_key_id: Some("AKIAIOSFODNN7EXAMPLE".into()),
            secret_access_key: Some(Sensitive::new("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")),
            ..Default::default()
        };
        let secret = parse_credential(Provider::Aws, keys, "ext").unwrap();
        assert_eq!(secret.hint(), "AKIA…MPLE");
        assert!(!format!("{secret:?}").contains("wJalr"), "debug output hides the secret");

        let role = CredentialInput {
            role_arn: Some("arn:aws:iam::123456789012:role/skyforge-readonly".into()),
            ..Default::default()
        };
        assert!(
            matches!(parse_credential(Provider::Aws, role, "ext-1").unwrap(), CloudSecret::AwsRole { external_id, .. } if external_id == "ext-1")
        );

        assert_eq!(
            codes(parse_credential(Provider::Aws, CredentialInput::default(), "e")),
            vec![("access_key_id".into(), "required"), ("secret_access_key".into(), "required")]
        );
        let bad = CredentialInput {
            access_key_id: Some("nope".into()),
            secret_access_key: Some(Sensitive::new("short")),
            ..Default::default()
        };
        assert_eq!(
            codes(parse_credential(Provider::Aws, bad, "e")),
            vec![("access_key_id".into(), "invalid_format"), ("secret_access_key".into(), "invalid_format")]
        );
        let bad_role = CredentialInput { role_arn: Some("arn:aws:iam::1:user/x".into()), ..Default::default() };
        assert_eq!(codes(parse_credential(Provider::Aws, bad_role, "e")), vec![("role_arn".into(), "invalid_format")]);
    }

    #[test]
    fn azure_needs_guids_and_a_subscription() {
        let input = CredentialInput {
            tenant_id: Some("not-a-guid".into()),
            client_id: Some("00000000-0000-0000-0000-000000000001".into()),
            client_secret: Some(Sensitive::new("s3cret")),
            subscription_ids: Some(vec!["00000000-0000-0000-0000-00000000000a".into(), "x".into()]),
            ..Default::default()
        };
        assert_eq!(
            codes(parse_credential(Provider::Azure, input, "e")),
            vec![("subscription_ids[1]".into(), "invalid_format"), ("tenant_id".into(), "invalid_format")]
        );
    }

    #[test]
    fn gcp_may_name_its_billing_export_table() {
        let key = r#"{"type":"service_account","project_id":"demo-project","private_key":"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n","client_email":"sync@demo-project.iam.gserviceaccount.com"}"#;
        let input = |table: &str| CredentialInput {
            service_account_key: Some(Sensitive::new(key)),
            project_ids: Some(vec!["demo-project".into()]),
            billing_export: Some(table.into()),
            ..Default::default()
        };
        let secret =
            parse_credential(Provider::Gcp, input("billing-project.billing_export.gcp_billing_export_v1_01"), "e");
        assert!(
            matches!(secret, Ok(CloudSecret::GcpServiceAccount { billing_export: Some(t), .. }) if t.starts_with("billing-project."))
        );
        assert_eq!(
            codes(parse_credential(Provider::Gcp, input("p.d.t`; DROP TABLE x"), "e")),
            vec![("billing_export".into(), "invalid_format")]
        );
        // secrets stored before the field existed still read
        let old =
            r#"{"kind":"gcp_service_account","client_email":"a@b","key_json":"{}","project_ids":["demo-project"]}"#;
        assert!(matches!(
            serde_json::from_str::<CloudSecret>(old),
            Ok(CloudSecret::GcpServiceAccount { billing_export: None, .. })
        ));
    }

    #[test]
    fn gcp_needs_a_service_account_key_file() {
        let key = r#"{"type":"service_account","project_id":"demo-project","private_key":"-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n","client_email":"sync@demo-project.iam.gserviceaccount.com"}"#;
        let input = CredentialInput {
            service_account_key: Some(Sensitive::new(key)),
            project_ids: Some(vec!["demo-project".into()]),
            ..Default::default()
        };
        let secret = parse_credential(Provider::Gcp, input, "e").unwrap();
        assert_eq!(secret.hint(), "sync@demo-project.iam.gserviceaccount.com");
        let bad = CredentialInput {
            service_account_key: Some(Sensitive::new("{}")),
            project_ids: Some(vec![]),
            ..Default::default()
        };
        assert_eq!(
            codes(parse_credential(Provider::Gcp, bad, "e")),
            vec![("project_ids".into(), "required"), ("service_account_key".into(), "invalid_format")]
        );
    }

    #[test]
    fn regions_must_be_known() {
        assert_eq!(
            parse_regions(Provider::Aws, vec!["eu-west-1".into(), " US-EAST-1".into(), "eu-west-1".into()]).unwrap(),
            vec!["eu-west-1", "us-east-1"]
        );
        let err = parse_regions(Provider::Aws, vec!["mars-north-1".into()]).unwrap_err();
        assert_eq!((err.0[0].field.as_str(), err.0[0].code), ("regions[0]", "unknown_region"));
        assert_eq!(parse_regions(Provider::Aws, vec![]).unwrap_err().0[0].code, "required");
    }
}
