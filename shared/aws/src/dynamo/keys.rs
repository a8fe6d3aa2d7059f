//! Partition and sort keys of every item kind. Every tenant-owned item has its tenant
//! (organisation or user) in the partition key.

use skyforge_domain::auth::{LoginThrottle, SecretDigest};
use skyforge_domain::ids::{AuditId, CredentialId, DeploymentId, OrgId, RunId, SessionId, SyncRunId, TokenId, UserId};

pub type Key = (String, String);

pub const PROFILE: &str = "PROFILE";
pub const MEMBER_PREFIX: &str = "MEMBER#";
pub const TOKEN_PREFIX: &str = "TOKEN#";
pub const AUDIT_PREFIX: &str = "AUDIT#";
pub const ORG_PREFIX: &str = "ORG#";

pub fn user_pk(id: UserId) -> String {
    format!("USER#{id}")
}

pub fn org_pk(id: OrgId) -> String {
    format!("ORG#{id}")
}

pub fn user(id: UserId) -> Key {
    (user_pk(id), PROFILE.into())
}

pub fn email(email: &str) -> Key {
    (format!("EMAIL#{email}"), "EMAIL".into())
}

pub fn org(id: OrgId) -> Key {
    (org_pk(id), "META".into())
}

pub fn member(org: OrgId, user: UserId) -> Key {
    (org_pk(org), format!("{MEMBER_PREFIX}{user}"))
}

/// The organisations a user belongs to: one item under the user, one attribute per membership
/// ([`user_org_attribute`] = role), kept in step by every membership write, so `/v1/me` reads
/// them with one GetItem.
pub fn user_orgs(user: UserId) -> Key {
    (user_pk(user), "ORGS".into())
}

pub const USER_ORG_PREFIX: &str = "o_";

pub fn user_org_attribute(org: OrgId) -> String {
    format!("{USER_ORG_PREFIX}{org}")
}

pub fn token(user: UserId, id: TokenId) -> Key {
    (user_pk(user), format!("{TOKEN_PREFIX}{id}"))
}

pub fn token_digest(digest: &SecretDigest) -> Key {
    (format!("TOKENHASH#{}", digest.as_str()), "TOKENHASH".into())
}

pub fn refresh_token(digest: &SecretDigest) -> Key {
    (format!("REFRESH#{}", digest.as_str()), "REFRESH".into())
}

pub fn session(id: SessionId) -> Key {
    (format!("SESSION#{id}"), "SESSION".into())
}

/// One failed-login counter. Those of an email share its partition (the email-wide one keeps
/// the key the email-only counter had); a device's counter sits beside its token.
pub fn login_failures(throttle: &LoginThrottle) -> Key {
    match throttle {
        LoginThrottle::EmailFromSource { email, source } => (format!("LOGINFAIL#{email}"), format!("SRC#{source}")),
        LoginThrottle::Email(email) => (format!("LOGINFAIL#{email}"), "LOGINFAIL".into()),
        LoginThrottle::Source(source) => (format!("LOGINFAILSRC#{source}"), "LOGINFAIL".into()),
        LoginThrottle::Device(digest) => (device_pk(digest), "LOGINFAIL".into()),
    }
}

fn device_pk(digest: &SecretDigest) -> String {
    format!("DEVICE#{}", digest.as_str())
}

pub fn device_token(digest: &SecretDigest) -> Key {
    (device_pk(digest), "DEVICE".into())
}

pub fn audit_sk(id: AuditId) -> String {
    format!("{AUDIT_PREFIX}{id}")
}

/// Attempts by nobody we know (a login with an unknown email), bucketed by day.
pub fn anonymous_audit_pk(day: &str) -> String {
    format!("AUDIT#ANONYMOUS#{day}")
}

pub const CREDENTIAL_PREFIX: &str = "CRED#";
pub const RUN_PREFIX: &str = "RUN#";
pub const RESOURCE_PREFIX: &str = "RES#";
/// The index partition of every credential with sync enabled (sparse: others lack the key).
pub const ACTIVE_CREDENTIALS: &str = "SYNC#ACTIVE";

pub fn credential(org: OrgId, id: CredentialId) -> Key {
    (org_pk(org), format!("{CREDENTIAL_PREFIX}{id}"))
}

pub fn runs_pk(org: OrgId, credential: CredentialId) -> String {
    format!("SYNC#{org}#{credential}")
}

pub fn run(org: OrgId, credential: CredentialId, run: SyncRunId) -> Key {
    (runs_pk(org, credential), format!("{RUN_PREFIX}{run}"))
}

pub fn summary(org: OrgId) -> Key {
    (org_pk(org), "SUMMARY".into())
}

/// The summary item's attribute holding the dashboard's cost snapshot.
pub const SUMMARY_COSTS: &str = "costs";
/// The summary item's counter of changes to the organisation's cost data.
pub const SUMMARY_COSTS_VERSION: &str = "costs_version";

/// The summary item's attribute holding one credential's part.
pub fn summary_attribute(credential: CredentialId) -> String {
    format!("c_{credential}")
}

/// The summary item's attribute holding one credential's pending (queued or running) sync.
pub fn pending_attribute(credential: CredentialId) -> String {
    format!("p_{credential}")
}

pub fn health_pk(org: OrgId) -> String {
    format!("HEALTH#{org}")
}

pub fn health(org: OrgId, credential: CredentialId, region: &str) -> Key {
    (health_pk(org), format!("{credential}#{region}"))
}

pub fn inventory_pk(org: OrgId) -> String {
    format!("INV#{org}")
}

pub fn resource_prefix(credential: CredentialId) -> String {
    format!("{RESOURCE_PREFIX}{credential}#")
}

pub fn resource(org: OrgId, credential: CredentialId, id: &str) -> Key {
    (inventory_pk(org), format!("{}{id}", resource_prefix(credential)))
}

/// An organisation's compliance findings: `sk = <resource id>#<check id>`, so one resource's
/// findings are a `begins_with` query and one credential's are too (the resource id starts
/// with its credential's ulid).
pub fn findings_pk(org: OrgId) -> String {
    format!("FIND#{org}")
}

pub fn finding(org: OrgId, resource: &str, check: &str) -> Key {
    (findings_pk(org), format!("{resource}#{check}"))
}

pub fn resource_findings_prefix(resource: &str) -> String {
    format!("{resource}#")
}

pub fn credential_findings_prefix(credential: CredentialId) -> String {
    format!("res_{}", credential.ulid())
}

pub fn history_pk(org: OrgId, resource: &str) -> String {
    format!("HIST#{org}#{resource}")
}

pub const DEPLOYMENT_PREFIX: &str = "DEP#";

pub fn deployment(org: OrgId, id: DeploymentId) -> Key {
    (org_pk(org), format!("{DEPLOYMENT_PREFIX}{id}"))
}

/// The partition of a deployment's runs (and their log counters), in queue order.
pub fn deployment_runs_pk(org: OrgId, deployment: DeploymentId) -> String {
    format!("DEP#{org}#{deployment}")
}

pub fn deployment_run(org: OrgId, deployment: DeploymentId, run: RunId) -> Key {
    (deployment_runs_pk(org, deployment), format!("{RUN_PREFIX}{run}"))
}

/// The organisation's recent runs: one item, one attribute per run ([`recent_run_attribute`]).
pub fn recent_runs(org: OrgId) -> Key {
    (org_pk(org), "RECENTRUNS".into())
}

pub const RECENT_RUN_PREFIX: &str = "r_";

/// The recent-runs item's attribute holding one run (run ids sort by creation time).
pub fn recent_run_attribute(run: RunId) -> String {
    format!("{RECENT_RUN_PREFIX}{run}")
}

/// A run's log line counter (its own item, so rewriting the run never resets it).
pub fn run_log_counter(org: OrgId, deployment: DeploymentId, run: RunId) -> Key {
    (deployment_runs_pk(org, deployment), format!("LOGSEQ#{run}"))
}

/// The index partition of every run in a running phase (sparse: others lack the key), for the
/// run reaper; the index sort key is the run id.
pub const RUNNING_RUNS: &str = "RUNS#RUNNING";

/// Finds a run's deployment from the run id alone (WebSocket subscriptions).
pub fn run_ref(run: RunId) -> Key {
    (format!("RUNREF#{run}"), "RUNREF".into())
}

/// A WebSocket connection (API Gateway connection id).
pub fn ws_connection(connection: &str) -> Key {
    (format!("WSCONN#{connection}"), "WSCONN".into())
}

/// The subscribers of a run: one item per connection.
pub fn run_subscribers_pk(run: RunId) -> String {
    format!("WSRUN#{run}")
}

pub fn run_subscriber(run: RunId, connection: &str) -> Key {
    (run_subscribers_pk(run), format!("WSCONN#{connection}"))
}

pub const COST_REFRESH_PREFIX: &str = "COSTREFRESH#";

/// The partition of an organisation's daily cost rows; sort keys start with the day, so a
/// date range is one `BETWEEN` query.
pub fn costs_pk(org: OrgId) -> String {
    format!("COST#{org}")
}

/// `<yyyy-mm-dd>#<cred>#<account>#<service>`: one row per credential, day, account and service.
pub fn cost_row(org: OrgId, row: &skyforge_domain::costs::CostRow) -> Key {
    (costs_pk(org), format!("{}#{}#{}#{}", row.day, row.credential_id, row.account, row.service))
}

/// The sort keys bounding the rows of `from..=to` (`~` sorts after every id character).
pub fn cost_days(from: chrono::NaiveDate, to: chrono::NaiveDate) -> (String, String) {
    (format!("{from}#"), format!("{to}#~"))
}

pub fn cost_refresh(org: OrgId, credential: CredentialId) -> Key {
    (org_pk(org), format!("{COST_REFRESH_PREFIX}{credential}"))
}
