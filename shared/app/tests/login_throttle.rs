//! The login throttle over in-memory fakes of its ports (OWASP's lockout guidance): a guesser
//! is stopped where they guess from, without locking the real user out, and the user's known
//! devices get in. The DynamoDB counters and device tokens are tested against the moto server
//! (`shared/aws/tests/moto`), the whole flow over HTTP in `tests/e2e/accounts.rs`.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use skyforge_app::AppError;
use skyforge_app::audit::AuditService;
use skyforge_app::auth::{AuthService, LoginInput, SignupInput};
use skyforge_app::jwt::JwtCodec;
use skyforge_app::ports::{
    ApiTokens, AuditLog, Clock, Conflict, DeviceTokens, LoginAttempts, Orgs, Ports, Sessions, StoreError, StoreResult,
    UserCredentials, Users,
};
use skyforge_app::principal::Caller;
use skyforge_domain::accounts::{ApiToken, Membership, Organization, RefreshToken, User};
use skyforge_domain::audit::{Action, AuditEvent, Outcome};
use skyforge_domain::auth::{DeviceToken, LoginFailures, LoginThrottle, SecretDigest};
use skyforge_domain::ids::{OrgId, SessionId, TokenId, UserId};
use skyforge_domain::page::{Page, PageRequest};
use skyforge_domain::roles::Role;
use skyforge_domain::values::Email;

const PASSWORD: &str = "correct horse battery";
const WRONG: &str = "wrong password!!";
const ANN: &str = "ann@example.com";
const HOME: &str = "198.51.100.10";
const ATTACKER: &str = "203.0.113.66";

// ---- fakes -----------------------------------------------------------------------------------

#[derive(Default)]
struct Store {
    users: Mutex<HashMap<String, UserCredentials>>,
    failures: Mutex<HashMap<LoginThrottle, LoginFailures>>,
    devices: Mutex<HashMap<SecretDigest, DeviceToken>>,
    sessions: Mutex<Vec<RefreshToken>>,
    audit: Mutex<Vec<AuditEvent>>,
    now: Mutex<Option<DateTime<Utc>>>,
}

impl Store {
    fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap();
        *now = Some(now.unwrap() + by);
    }
}

#[async_trait]
impl Users for Store {
    async fn create_with_org(
        &self,
        user: &UserCredentials,
        _org: &Organization,
        _owner: &Membership,
    ) -> StoreResult<()> {
        let mut users = self.users.lock().unwrap();
        if users.contains_key(&user.user.email) {
            return Err(StoreError::Conflict(Conflict::EmailTaken));
        }
        users.insert(user.user.email.clone(), user.clone());
        Ok(())
    }
    async fn by_email(&self, email: &Email) -> StoreResult<Option<UserCredentials>> {
        Ok(self.users.lock().unwrap().get(email.as_str()).cloned())
    }
    async fn get(&self, id: UserId) -> StoreResult<Option<User>> {
        Ok(self.users.lock().unwrap().values().find(|c| c.user.id == id).map(|c| c.user.clone()))
    }
}

#[async_trait]
impl LoginAttempts for Store {
    async fn failures(&self, throttle: &LoginThrottle) -> StoreResult<Option<LoginFailures>> {
        Ok(self.failures.lock().unwrap().get(throttle).copied())
    }
    async fn record_failure(&self, throttle: &LoginThrottle, now: DateTime<Utc>) -> StoreResult<LoginFailures> {
        let mut failures = self.failures.lock().unwrap();
        let state = match failures.get(throttle) {
            Some(state) if state.is_current(now) => LoginFailures { count: state.count + 1, ..*state },
            _ => LoginFailures { count: 1, window_started_at: now },
        };
        failures.insert(throttle.clone(), state);
        Ok(state)
    }
    async fn clear(&self, throttle: &LoginThrottle) -> StoreResult<()> {
        self.failures.lock().unwrap().remove(throttle);
        Ok(())
    }
}

#[async_trait]
impl DeviceTokens for Store {
    async fn remember(&self, device: &DeviceToken) -> StoreResult<()> {
        self.devices.lock().unwrap().insert(device.digest.clone(), device.clone());
        Ok(())
    }
    async fn by_digest(&self, digest: &SecretDigest) -> StoreResult<Option<DeviceToken>> {
        Ok(self.devices.lock().unwrap().get(digest).cloned())
    }
}

#[async_trait]
impl Sessions for Store {
    async fn start(&self, first: &RefreshToken) -> StoreResult<()> {
        self.sessions.lock().unwrap().push(first.clone());
        Ok(())
    }
    async fn refresh_token(&self, _digest: &SecretDigest) -> StoreResult<Option<(RefreshToken, bool)>> {
        unimplemented!("not used here")
    }
    async fn rotate(&self, _old: &RefreshToken, _new: &RefreshToken) -> StoreResult<()> {
        unimplemented!("not used here")
    }
    async fn revoke(&self, _session: SessionId) -> StoreResult<()> {
        unimplemented!("not used here")
    }
}

#[async_trait]
impl AuditLog for Store {
    async fn record(&self, event: &AuditEvent) -> StoreResult<()> {
        self.audit.lock().unwrap().push(event.clone());
        Ok(())
    }
    async fn for_org(&self, _org: OrgId, _page: &PageRequest) -> StoreResult<Page<AuditEvent>> {
        unimplemented!("not used here")
    }
    async fn for_user(&self, _user: UserId, _page: &PageRequest) -> StoreResult<Page<AuditEvent>> {
        unimplemented!("not used here")
    }
}

#[async_trait]
impl ApiTokens for Store {
    async fn create(&self, _token: &ApiToken) -> StoreResult<()> {
        unimplemented!("not used here")
    }
    async fn by_digest(&self, _digest: &SecretDigest) -> StoreResult<Option<ApiToken>> {
        unimplemented!("not used here")
    }
    async fn get(&self, _user: UserId, _id: TokenId) -> StoreResult<Option<ApiToken>> {
        unimplemented!("not used here")
    }
    async fn list(&self, _user: UserId, _page: &PageRequest) -> StoreResult<Page<ApiToken>> {
        unimplemented!("not used here")
    }
    async fn delete(&self, _token: &ApiToken) -> StoreResult<()> {
        unimplemented!("not used here")
    }
    async fn touch(&self, _token: &ApiToken, _now: DateTime<Utc>, _interval: Duration) -> StoreResult<()> {
        unimplemented!("not used here")
    }
}

#[async_trait]
impl Orgs for Store {
    async fn create(&self, _org: &Organization, _owner: &Membership) -> StoreResult<()> {
        unimplemented!("not used here")
    }
    async fn get(&self, _id: OrgId) -> StoreResult<Option<Organization>> {
        unimplemented!("not used here")
    }
    async fn membership(&self, _org: OrgId, _user: UserId) -> StoreResult<Option<Membership>> {
        unimplemented!("not used here")
    }
    async fn of_user(&self, _user: UserId) -> StoreResult<Vec<(Organization, Role)>> {
        unimplemented!("not used here")
    }
    async fn members(&self, _org: OrgId, _page: &PageRequest) -> StoreResult<Page<Membership>> {
        unimplemented!("not used here")
    }
    async fn add_member(&self, _member: &Membership) -> StoreResult<()> {
        unimplemented!("not used here")
    }
    async fn change_role(&self, _org: OrgId, _user: UserId, _from: Role, _to: Role) -> StoreResult<Membership> {
        unimplemented!("not used here")
    }
    async fn remove_member(&self, _org: OrgId, _user: UserId, _role: Role) -> StoreResult<()> {
        unimplemented!("not used here")
    }
}

impl Clock for Store {
    fn now(&self) -> DateTime<Utc> {
        self.now.lock().unwrap().expect("the test sets the time")
    }
}

// ---- helpers ---------------------------------------------------------------------------------

struct World {
    store: Arc<Store>,
    auth: AuthService,
}

async fn world() -> World {
    let store = Arc::new(Store::default());
    *store.now.lock().unwrap() = DateTime::from_timestamp(1_800_000_000, 0);
    let ports = Ports {
        users: store.clone(),
        orgs: store.clone(),
        tokens: store.clone(),
        sessions: store.clone(),
        login_attempts: store.clone(),
        devices: store.clone(),
        audit: store.clone(),
        probes: vec![],
        clock: store.clone(),
    };
    let audit = Arc::new(AuditService::new(store.clone(), store.clone()));
    let auth = AuthService::new(&ports, JwtCodec::new(&[7u8; 32]).unwrap(), audit);
    let input = SignupInput { email: ANN, password: PASSWORD, name: "Ann" };
    auth.signup(input, &from(HOME)).await.unwrap();
    World { store, auth }
}

fn from(ip: &str) -> Caller {
    Caller::anonymous(Some(ip.to_owned()))
}

/// Logs in: the error code, or "ok" with the device token issued (if any).
async fn login(
    world: &World,
    email: &str,
    password: &str,
    ip: &str,
    device: Option<&str>,
) -> Result<Option<String>, AppError> {
    let input = LoginInput { email, password, device_token: device };
    world.auth.login(input, &from(ip)).await.map(|tokens| tokens.device_token.map(|t| t.expose().to_owned()))
}

fn retry_after(result: Result<Option<String>, AppError>) -> u64 {
    match result {
        Err(AppError::TooManyAttempts { retry_after_secs }) => retry_after_secs,
        other => panic!("expected too many attempts, got {other:?}"),
    }
}

async fn fail_times(world: &World, email: &str, ip: &str, device: Option<&str>, times: usize) {
    for _ in 0..times {
        assert!(matches!(login(world, email, WRONG, ip, device).await, Err(AppError::InvalidCredentials)));
    }
}

// ---- tests -----------------------------------------------------------------------------------

#[tokio::test]
async fn an_attacker_elsewhere_does_not_lock_the_user_out() {
    let world = world().await;
    fail_times(&world, ANN, ATTACKER, None, 5).await;
    // the attacker waits out the window, even with the right password
    assert_eq!(retry_after(login(&world, ANN, PASSWORD, ATTACKER, None).await), 15 * 60);
    // the user, from home, gets in
    assert!(login(&world, ANN, PASSWORD, HOME, None).await.is_ok());
}

#[tokio::test]
async fn five_failures_from_one_source_lock_that_email_there_until_the_window_ends() {
    let world = world().await;
    fail_times(&world, ANN, HOME, None, 4).await;
    world.store.advance(Duration::minutes(5));
    fail_times(&world, ANN, HOME, None, 1).await;
    assert_eq!(retry_after(login(&world, ANN, PASSWORD, HOME, None).await), 10 * 60);
    // an email without an account is throttled the same way, so the 429 reveals nothing
    fail_times(&world, "ghost@example.com", HOME, None, 5).await;
    assert_eq!(retry_after(login(&world, "ghost@example.com", PASSWORD, HOME, None).await), 15 * 60);
    world.store.advance(Duration::minutes(10));
    assert!(login(&world, ANN, PASSWORD, HOME, None).await.is_ok());
}

#[tokio::test]
async fn a_source_spraying_many_emails_is_throttled_for_every_email() {
    let world = world().await;
    for i in 0..LoginThrottle::SOURCE_LIMIT {
        fail_times(&world, &format!("user{i}@example.com"), ATTACKER, None, 1).await;
    }
    // a fresh email from there, even the right password for a real account, waits
    assert_eq!(retry_after(login(&world, ANN, PASSWORD, ATTACKER, None).await), 15 * 60);
    assert!(login(&world, ANN, PASSWORD, HOME, None).await.is_ok());
}

#[tokio::test]
async fn a_successful_login_resets_the_email_and_source_counter_but_not_the_source_counter() {
    let world = world().await;
    // an attacker with an account of their own cannot clear their source's failures by logging in
    let own = SignupInput { email: "mallory@example.com", password: PASSWORD, name: "M" };
    world.auth.signup(own, &from(ATTACKER)).await.unwrap();
    for i in 0..LoginThrottle::SOURCE_LIMIT - 1 {
        fail_times(&world, &format!("user{i}@example.com"), ATTACKER, None, 1).await;
    }
    assert!(login(&world, "mallory@example.com", PASSWORD, ATTACKER, None).await.is_ok());
    fail_times(&world, "victim@example.com", ATTACKER, None, 1).await;
    assert!(login(&world, "mallory@example.com", PASSWORD, ATTACKER, None).await.is_err());

    // while the user's own mistakes are forgotten once they get in
    fail_times(&world, ANN, HOME, None, 4).await;
    assert!(login(&world, ANN, PASSWORD, HOME, None).await.is_ok());
    fail_times(&world, ANN, HOME, None, 4).await;
    assert!(login(&world, ANN, PASSWORD, HOME, None).await.is_ok());
}

#[tokio::test]
async fn a_known_device_gets_in_from_a_throttled_source() {
    let world = world().await;
    let device = login(&world, ANN, PASSWORD, HOME, None).await.unwrap().expect("a device token");
    assert!(device.starts_with("sfd_"));
    // only the digest is stored
    let stored = world.store.devices.lock().unwrap().values().cloned().collect::<Vec<_>>();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].digest, SecretDigest::of(&device));

    // an attacker sharing the user's address (the same office, a café) exhausts every counter there
    for i in 0..LoginThrottle::SOURCE_LIMIT {
        fail_times(&world, &format!("user{i}@example.com"), HOME, None, 1).await;
    }
    assert!(login(&world, ANN, PASSWORD, HOME, None).await.is_err());
    // the user's device still gets in, and is not given another token
    assert_eq!(login(&world, ANN, PASSWORD, HOME, Some(&device)).await.unwrap(), None);
}

#[tokio::test]
async fn many_sources_guessing_one_email_lock_out_new_devices_but_not_known_ones() {
    let world = world().await;
    let device = login(&world, ANN, PASSWORD, HOME, None).await.unwrap().unwrap();
    let sources = LoginThrottle::EMAIL_LIMIT / LoginThrottle::EMAIL_FROM_SOURCE_LIMIT;
    for i in 0..sources {
        fail_times(&world, ANN, &format!("203.0.113.{i}"), None, 5).await;
    }
    assert!(retry_after(login(&world, ANN, PASSWORD, "192.0.2.1", None).await) > 0);
    assert!(login(&world, ANN, PASSWORD, "192.0.2.1", Some(&device)).await.is_ok());
}

#[tokio::test]
async fn a_device_token_has_a_failure_limit_of_its_own() {
    let world = world().await;
    let device = login(&world, ANN, PASSWORD, HOME, None).await.unwrap().unwrap();
    // a stolen device token gives five guesses, not more
    fail_times(&world, ANN, ATTACKER, Some(&device), 5).await;
    // then it no longer vouches: the attempt counts as any other from that source
    assert!(world.store.failures.lock().unwrap().keys().all(|t| matches!(t, LoginThrottle::Device(_))));
    fail_times(&world, ANN, ATTACKER, Some(&device), 5).await;
    assert!(retry_after(login(&world, ANN, PASSWORD, ATTACKER, Some(&device)).await) > 0);
    // the user elsewhere still gets in, with a new device token
    assert!(login(&world, ANN, PASSWORD, HOME, None).await.unwrap().is_some());
}

#[tokio::test]
async fn another_users_or_an_unknown_device_token_vouches_for_nothing() {
    let world = world().await;
    let bob = SignupInput { email: "bob@example.com", password: PASSWORD, name: "Bob" };
    world.auth.signup(bob, &from(ATTACKER)).await.unwrap();
    let bobs_device = login(&world, "bob@example.com", PASSWORD, ATTACKER, None).await.unwrap().unwrap();
    fail_times(&world, ANN, ATTACKER, None, 5).await;
    for token in [Some(bobs_device.as_str()), Some("sfd_made_up"), Some("")] {
        assert!(retry_after(login(&world, ANN, PASSWORD, ATTACKER, token).await) > 0, "{token:?}");
    }
}

#[tokio::test]
async fn throttled_attempts_are_audited_and_not_counted() {
    let world = world().await;
    fail_times(&world, ANN, ATTACKER, None, 5).await;
    for _ in 0..10 {
        login(&world, ANN, WRONG, ATTACKER, None).await.unwrap_err();
    }
    let pair = LoginThrottle::EmailFromSource { email: ANN.into(), source: ATTACKER.into() };
    assert_eq!(world.store.failures.lock().unwrap()[&pair].count, 5);
    let audit = world.store.audit.lock().unwrap();
    let denied = audit.iter().filter(|e| e.action == Action::Login && e.outcome != Outcome::Success).count();
    assert_eq!(denied, 15);
    assert_eq!(audit.last().unwrap().ip.as_deref(), Some(ATTACKER));
}
