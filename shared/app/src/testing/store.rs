//! One in-memory store behind every store port: accounts here, the sync pipeline's ports in
//! `sync_store.rs`, provisioning's in `deployment_store.rs`.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use skyforge_domain::accounts::{ApiToken, Membership, Organization, RefreshToken, User};
use skyforge_domain::audit::AuditEvent;
use skyforge_domain::auth::{DeviceToken, LoginFailures, LoginThrottle, RefreshTokenStatus, SecretDigest};
use skyforge_domain::costs::{CostRefresh, CostRow};
use skyforge_domain::credentials::Credential;
use skyforge_domain::ids::{CredentialId, OrgId, SessionId, SyncRunId, TokenId, UserId};
use skyforge_domain::inventory::{HistoryEntry, InventoryItem};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::roles::{Role, owner_delta};
use skyforge_domain::sync::{CredentialSummary, OrgSummary, ProviderHealth, SyncRun};
use skyforge_domain::values::Email;

use super::pages::page_of;
use crate::ports::{
    ApiTokens, AuditLog, Clock, Conflict, DeviceTokens, LoginAttempts, Orgs, Ports, Sessions, StoreError, StoreResult,
    UserCredentials, Users,
};

/// Everything the store ports keep, in one place, behind one lock: a write that DynamoDB makes
/// in one transaction is one critical section here.
#[derive(Default)]
pub(super) struct State {
    pub users: HashMap<UserId, UserCredentials>,
    pub emails: HashMap<String, UserId>,
    pub orgs: HashMap<OrgId, OrgRecord>,
    pub members: BTreeMap<(OrgId, UserId), Membership>,
    pub tokens: HashMap<TokenId, ApiToken>,
    pub token_digests: HashMap<String, TokenId>,
    pub sessions: HashMap<SessionId, bool>,
    pub refresh_tokens: HashMap<String, RefreshToken>,
    pub login_failures: HashMap<LoginThrottle, LoginFailures>,
    pub devices: HashMap<SecretDigest, DeviceToken>,
    pub audit: Vec<AuditEvent>,
    // the sync pipeline (sync_store.rs)
    pub credentials: BTreeMap<(OrgId, CredentialId), Credential>,
    pub runs: BTreeMap<(OrgId, CredentialId, SyncRunId), (SyncRun, Option<DateTime<Utc>>)>,
    /// (org, credential, resource id) → item
    pub inventory: BTreeMap<(OrgId, CredentialId, String), InventoryItem>,
    /// (org, resource id) → run id → entry
    pub history: BTreeMap<(OrgId, String), BTreeMap<String, HistoryEntry>>,
    pub summaries: HashMap<OrgId, OrgSummary>,
    /// (org, credential, region) → health
    pub health: BTreeMap<(OrgId, CredentialId, String), ProviderHealth>,
    pub cost_rows: Vec<(OrgId, CostRow)>,
    pub cost_refreshes: BTreeMap<(OrgId, CredentialId), CostRefresh>,
    /// Inventory item writes made by `Inventory::apply` (items and history), over all syncs.
    pub inventory_writes: u64,
}

pub(super) struct OrgRecord {
    pub org: Organization,
    pub owners: i64,
    pub external_id: Option<String>,
}

/// Every store port (accounts, sessions, audit, credentials, sync runs, inventory, summaries,
/// costs) over one in-memory state. [`set_unavailable`](Self::set_unavailable) makes every call
/// fail with `StoreError::Unavailable`, as a DynamoDB outage would.
#[derive(Default)]
pub struct MemoryStore {
    state: Mutex<State>,
    /// Deployments, runs and live connections (`deployment_store.rs`).
    provisioning: Mutex<super::deployment_store::ProvisioningState>,
    unavailable: AtomicBool,
}

impl MemoryStore {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// The ports of [`Services`](crate::Services): this store for all of them, no health probes.
    pub fn ports(self: &Arc<Self>, clock: Arc<dyn Clock>) -> Ports {
        Ports {
            users: self.clone(),
            orgs: self.clone(),
            tokens: self.clone(),
            sessions: self.clone(),
            login_attempts: self.clone(),
            devices: self.clone(),
            audit: self.clone(),
            probes: Vec::new(),
            clock,
        }
    }

    /// While set, every call answers `StoreError::Unavailable` and changes nothing.
    pub fn set_unavailable(&self, unavailable: bool) {
        self.unavailable.store(unavailable, Ordering::SeqCst);
    }

    /// The state, or the outage.
    pub(super) fn open(&self) -> StoreResult<MutexGuard<'_, State>> {
        if self.unavailable.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("the store is unavailable (MemoryStore::set_unavailable)".into()));
        }
        Ok(self.state.lock().unwrap())
    }

    /// The provisioning state, or the outage.
    pub(super) fn open_provisioning(&self) -> StoreResult<MutexGuard<'_, super::deployment_store::ProvisioningState>> {
        if self.unavailable.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable("the store is unavailable (MemoryStore::set_unavailable)".into()));
        }
        Ok(self.provisioning.lock().unwrap())
    }

    /// The state for a test's own checks, outage or not.
    fn peek(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    // ---- what a test reads back ----------------------------------------------------------

    /// Every audit event recorded, oldest first.
    pub fn audit_events(&self) -> Vec<AuditEvent> {
        self.peek().audit.clone()
    }

    /// The stored refresh token with this digest, and whether its session is revoked.
    pub fn refresh_token_state(&self, token: &str) -> Option<(RefreshTokenStatus, bool)> {
        let state = self.peek();
        let stored = state.refresh_tokens.get(SecretDigest::of(token).as_str())?;
        Some((stored.status, state.sessions.get(&stored.session_id).copied().unwrap_or(true)))
    }

    /// The number of owners the organisation's owner count says it has.
    pub fn owner_count(&self, org: OrgId) -> Option<i64> {
        self.peek().orgs.get(&org).map(|o| o.owners)
    }

    /// Every sync run of a credential, oldest first.
    pub fn sync_runs(&self, org: OrgId, credential: CredentialId) -> Vec<SyncRun> {
        let state = self.peek();
        state.runs.iter().filter(|((o, c, _), _)| *o == org && *c == credential).map(|(_, (r, _))| r.clone()).collect()
    }

    /// Every inventory item of a credential, deleted ones included, by resource id.
    pub fn inventory_items(&self, org: OrgId, credential: CredentialId) -> Vec<InventoryItem> {
        let state = self.peek();
        state.inventory.iter().filter(|((o, c, _), _)| *o == org && *c == credential).map(|(_, i)| i.clone()).collect()
    }

    /// The history of one resource, oldest first.
    pub fn history_of(&self, org: OrgId, resource: &str) -> Vec<HistoryEntry> {
        self.peek().history.get(&(org, resource.to_owned())).map(|h| h.values().cloned().collect()).unwrap_or_default()
    }

    /// Item writes `Inventory::apply` made so far (items and history entries), over all syncs.
    pub fn inventory_writes(&self) -> u64 {
        self.peek().inventory_writes
    }

    /// The credential's part of its organisation's summary.
    pub fn credential_summary(&self, org: OrgId, credential: CredentialId) -> Option<CredentialSummary> {
        self.peek().summaries.get(&org).and_then(|s| s.credentials.get(&credential).cloned())
    }
}

const MEMBER_PREFIX: &str = "MEMBER#";
const TOKEN_PREFIX: &str = "TOKEN#";
const AUDIT_PREFIX: &str = "AUDIT#";

fn conflict(kind: Conflict) -> StoreError {
    StoreError::Conflict(kind)
}

#[async_trait]
impl Users for MemoryStore {
    async fn create_with_org(&self, user: &UserCredentials, org: &Organization, owner: &Membership) -> StoreResult<()> {
        let mut state = self.open()?;
        if state.emails.contains_key(&user.user.email) {
            return Err(conflict(Conflict::EmailTaken));
        }
        if state.users.contains_key(&user.user.id) || state.orgs.contains_key(&org.id) {
            return Err(conflict(Conflict::Concurrent));
        }
        state.emails.insert(user.user.email.clone(), user.user.id);
        state.users.insert(user.user.id, user.clone());
        state.orgs.insert(org.id, OrgRecord { org: org.clone(), owners: 1, external_id: None });
        state.members.insert((owner.org_id, owner.user_id), owner.clone());
        Ok(())
    }

    async fn by_email(&self, email: &Email) -> StoreResult<Option<UserCredentials>> {
        let state = self.open()?;
        Ok(state.emails.get(email.as_str()).and_then(|id| state.users.get(id)).cloned())
    }

    async fn get(&self, id: UserId) -> StoreResult<Option<User>> {
        Ok(self.open()?.users.get(&id).map(|c| c.user.clone()))
    }
}

#[async_trait]
impl Orgs for MemoryStore {
    async fn create(&self, org: &Organization, owner: &Membership) -> StoreResult<()> {
        let mut state = self.open()?;
        if state.orgs.contains_key(&org.id) {
            return Err(conflict(Conflict::Concurrent));
        }
        state.orgs.insert(org.id, OrgRecord { org: org.clone(), owners: 1, external_id: None });
        state.members.insert((owner.org_id, owner.user_id), owner.clone());
        Ok(())
    }

    async fn get(&self, id: OrgId) -> StoreResult<Option<Organization>> {
        Ok(self.open()?.orgs.get(&id).map(|o| o.org.clone()))
    }

    async fn membership(&self, org: OrgId, user: UserId) -> StoreResult<Option<Membership>> {
        Ok(self.open()?.members.get(&(org, user)).cloned())
    }

    async fn of_user(&self, user: UserId) -> StoreResult<Vec<(Organization, Role)>> {
        let state = self.open()?;
        Ok(state
            .members
            .values()
            .filter(|m| m.user_id == user)
            .filter_map(|m| state.orgs.get(&m.org_id).map(|o| (o.org.clone(), m.role)))
            .collect())
    }

    async fn members(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<Membership>> {
        let state = self.open()?;
        let items = state
            .members
            .iter()
            .filter(|((o, _), _)| *o == org)
            .map(|((_, user), m)| (format!("{MEMBER_PREFIX}{user}"), m.clone()));
        page_of(items, &format!("{org}{MEMBER_PREFIX}"), page, false)
    }

    async fn add_member(&self, member: &Membership) -> StoreResult<()> {
        let mut state = self.open()?;
        if state.members.contains_key(&(member.org_id, member.user_id)) {
            return Err(conflict(Conflict::AlreadyMember));
        }
        let Some(org) = state.orgs.get_mut(&member.org_id) else {
            return Err(conflict(Conflict::Gone));
        };
        org.owners += owner_delta(None, Some(member.role));
        state.members.insert((member.org_id, member.user_id), member.clone());
        Ok(())
    }

    async fn change_role(&self, org: OrgId, user: UserId, from: Role, to: Role) -> StoreResult<Membership> {
        let mut state = self.open()?;
        let state = &mut *state;
        match state.members.get(&(org, user)) {
            Some(current) if current.role == from => {}
            _ => return Err(conflict(Conflict::Concurrent)),
        }
        let delta = owner_delta(Some(from), Some(to));
        if delta != 0 {
            let record = state.orgs.get_mut(&org).ok_or(conflict(Conflict::LastOwner))?;
            if delta < 0 && record.owners <= 1 {
                return Err(conflict(Conflict::LastOwner));
            }
            record.owners += delta;
        }
        let member = state.members.get_mut(&(org, user)).expect("checked above");
        member.role = to;
        Ok(member.clone())
    }

    async fn remove_member(&self, org: OrgId, user: UserId, role: Role) -> StoreResult<()> {
        let mut state = self.open()?;
        let state = &mut *state;
        match state.members.get(&(org, user)) {
            Some(current) if current.role == role => {}
            _ => return Err(conflict(Conflict::Concurrent)),
        }
        let delta = owner_delta(Some(role), None);
        if delta != 0 {
            let record = state.orgs.get_mut(&org).ok_or(conflict(Conflict::LastOwner))?;
            if record.owners <= 1 {
                return Err(conflict(Conflict::LastOwner));
            }
            record.owners += delta;
        }
        state.members.remove(&(org, user));
        Ok(())
    }
}

#[async_trait]
impl ApiTokens for MemoryStore {
    async fn create(&self, token: &ApiToken) -> StoreResult<()> {
        let mut state = self.open()?;
        if state.tokens.contains_key(&token.id) || state.token_digests.contains_key(token.digest.as_str()) {
            return Err(conflict(Conflict::Concurrent));
        }
        state.token_digests.insert(token.digest.as_str().to_owned(), token.id);
        state.tokens.insert(token.id, token.clone());
        Ok(())
    }

    async fn by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<ApiToken>> {
        let state = self.open()?;
        Ok(state.token_digests.get(digest.as_str()).and_then(|id| state.tokens.get(id)).cloned())
    }

    async fn get(&self, user: UserId, id: TokenId) -> StoreResult<Option<ApiToken>> {
        Ok(self.open()?.tokens.get(&id).filter(|t| t.user_id == user).cloned())
    }

    async fn list(&self, user: UserId, page: &PageRequest) -> StoreResult<Page<ApiToken>> {
        let state = self.open()?;
        let items =
            state.tokens.values().filter(|t| t.user_id == user).map(|t| (format!("{TOKEN_PREFIX}{}", t.id), t.clone()));
        page_of(items, &format!("{user}{TOKEN_PREFIX}"), page, true)
    }

    async fn delete(&self, token: &ApiToken) -> StoreResult<()> {
        let mut state = self.open()?;
        if state.tokens.get(&token.id).is_none_or(|t| t.user_id != token.user_id) {
            return Err(conflict(Conflict::Gone));
        }
        state.tokens.remove(&token.id);
        state.token_digests.remove(token.digest.as_str());
        Ok(())
    }

    async fn touch(&self, token: &ApiToken, now: DateTime<Utc>, interval: chrono::Duration) -> StoreResult<()> {
        let mut state = self.open()?;
        // used within the interval already, or revoked meanwhile: nothing to record
        if let Some(stored) = state.tokens.get_mut(&token.id)
            && stored.last_used_at.is_none_or(|at| at < now - interval)
        {
            stored.last_used_at = Some(now);
        }
        Ok(())
    }
}

#[async_trait]
impl Sessions for MemoryStore {
    async fn start(&self, first: &RefreshToken) -> StoreResult<()> {
        let mut state = self.open()?;
        if state.sessions.contains_key(&first.session_id) || state.refresh_tokens.contains_key(first.digest.as_str()) {
            return Err(conflict(Conflict::Concurrent));
        }
        state.sessions.insert(first.session_id, false);
        state.refresh_tokens.insert(first.digest.as_str().to_owned(), first.clone());
        Ok(())
    }

    async fn refresh_token(&self, digest: &SecretDigest) -> StoreResult<Option<(RefreshToken, bool)>> {
        let state = self.open()?;
        Ok(state.refresh_tokens.get(digest.as_str()).map(|token| {
            // a session that is gone counts as revoked
            let revoked = state.sessions.get(&token.session_id).copied().unwrap_or(true);
            (token.clone(), revoked)
        }))
    }

    async fn rotate(&self, old: &RefreshToken, new: &RefreshToken) -> StoreResult<()> {
        let mut state = self.open()?;
        let active =
            state.refresh_tokens.get(old.digest.as_str()).is_some_and(|t| t.status == RefreshTokenStatus::Active);
        let live_session = state.sessions.get(&old.session_id) == Some(&false);
        if !active || !live_session || state.refresh_tokens.contains_key(new.digest.as_str()) {
            return Err(conflict(Conflict::Concurrent));
        }
        if let Some(token) = state.refresh_tokens.get_mut(old.digest.as_str()) {
            token.status = RefreshTokenStatus::Rotated;
        }
        state.refresh_tokens.insert(new.digest.as_str().to_owned(), new.clone());
        Ok(())
    }

    async fn revoke(&self, session: SessionId) -> StoreResult<()> {
        let mut state = self.open()?;
        if let Some(revoked) = state.sessions.get_mut(&session) {
            *revoked = true;
        }
        Ok(())
    }
}

#[async_trait]
impl LoginAttempts for MemoryStore {
    async fn failures(&self, throttle: &LoginThrottle) -> StoreResult<Option<LoginFailures>> {
        Ok(self.open()?.login_failures.get(throttle).copied())
    }

    async fn record_failure(&self, throttle: &LoginThrottle, now: DateTime<Utc>) -> StoreResult<LoginFailures> {
        let mut state = self.open()?;
        // counted within the current window; a window that ended starts again
        let next = match state.login_failures.get(throttle) {
            Some(current) if current.is_current(now) => LoginFailures { count: current.count + 1, ..*current },
            _ => LoginFailures { count: 1, window_started_at: now },
        };
        state.login_failures.insert(throttle.clone(), next);
        Ok(next)
    }

    async fn clear(&self, throttle: &LoginThrottle) -> StoreResult<()> {
        self.open()?.login_failures.remove(throttle);
        Ok(())
    }
}

#[async_trait]
impl DeviceTokens for MemoryStore {
    async fn remember(&self, device: &DeviceToken) -> StoreResult<()> {
        self.open()?.devices.insert(device.digest.clone(), device.clone());
        Ok(())
    }

    async fn by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<DeviceToken>> {
        Ok(self.open()?.devices.get(digest).cloned())
    }
}

#[async_trait]
impl AuditLog for MemoryStore {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
        self.open()?.audit.push(event.clone());
        Ok(())
    }

    async fn for_org(&self, org: OrgId, page: &PageRequest) -> StoreResult<Page<AuditEvent>> {
        let state = self.open()?;
        let items = state
            .audit
            .iter()
            .filter(|e| e.org_id == Some(org))
            .map(|e| (format!("{AUDIT_PREFIX}{}", e.id), e.clone()));
        page_of(items, &format!("{org}{AUDIT_PREFIX}"), page, true)
    }

    async fn for_user(&self, user: UserId, page: &PageRequest) -> StoreResult<Page<AuditEvent>> {
        let state = self.open()?;
        let items = state
            .audit
            .iter()
            .filter(|e| e.actor_user_id == Some(user))
            .map(|e| (format!("{AUDIT_PREFIX}{}", e.id), e.clone()));
        page_of(items, &format!("{user}{AUDIT_PREFIX}"), page, true)
    }
}
