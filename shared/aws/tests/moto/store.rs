//! The DynamoDB store: atomic conditions, pagination, rotation races, throttling counters.

use chrono::{DateTime, Duration, Utc};
use skyforge_app::ports::{
    ApiTokens, AuditLog, Conflict, DeviceTokens, LoginAttempts, Orgs, Sessions, StoreError, UserCredentials, Users,
};
use skyforge_domain::accounts::{ApiToken, Membership, Organization, RefreshToken, User};
use skyforge_domain::audit::{Action, AuditEvent, Outcome};
use skyforge_domain::auth::{DeviceToken, LoginThrottle, OpaqueSecret, RefreshTokenStatus, SecretKind, TokenScope};
use skyforge_domain::ids::{AuditId, OrgId, SessionId, TokenId, UserId};
use skyforge_domain::page::PageRequest;
use skyforge_domain::roles::Role;
use skyforge_domain::values::Email;

use crate::fresh_store;

fn user(email: &str) -> User {
    User { id: UserId::new(), email: email.into(), name: "Test".into(), created_at: Utc::now() }
}

fn org() -> Organization {
    Organization { id: OrgId::new(), name: "Org".into(), created_at: Utc::now() }
}

async fn signed_up(store: &skyforge_aws::DynamoStore, email: &str) -> (User, Organization) {
    let (u, o) = (user(email), org());
    let owner = Membership::new(o.id, &u, Role::Owner, Utc::now());
    store.create_with_org(&UserCredentials { user: u.clone(), password_hash: "h".into() }, &o, &owner).await.unwrap();
    (u, o)
}

#[tokio::test]
async fn second_signup_with_the_same_email_writes_nothing() {
    let store = fresh_store().await;
    signed_up(&store, "ann@example.com").await;
    let (other, other_org) = (user("ann@example.com"), org());
    let owner = Membership::new(other_org.id, &other, Role::Owner, Utc::now());
    let result = store
        .create_with_org(&UserCredentials { user: other.clone(), password_hash: "h".into() }, &other_org, &owner)
        .await;
    assert!(matches!(result, Err(StoreError::Conflict(Conflict::EmailTaken))));
    assert!(Users::get(&*store, other.id).await.unwrap().is_none());
    assert!(Orgs::get(&*store, other_org.id).await.unwrap().is_none());
    let email = Email::parse("email", "ann@example.com").unwrap();
    assert_ne!(store.by_email(&email).await.unwrap().unwrap().user.id, other.id);
}

#[tokio::test]
async fn the_last_owner_can_neither_be_demoted_nor_removed() {
    let store = fresh_store().await;
    let (ann, org) = signed_up(&store, "ann@example.com").await;
    let demote = store.change_role(org.id, ann.id, Role::Owner, Role::Admin).await;
    assert!(matches!(demote, Err(StoreError::Conflict(Conflict::LastOwner))));
    let remove = store.remove_member(org.id, ann.id, Role::Owner).await;
    assert!(matches!(remove, Err(StoreError::Conflict(Conflict::LastOwner))));

    // with a second owner, the first may step down; then the second is the last
    let bob = user("bob@example.com");
    store.add_member(&Membership::new(org.id, &bob, Role::Owner, Utc::now())).await.unwrap();
    assert_eq!(store.change_role(org.id, ann.id, Role::Owner, Role::Viewer).await.unwrap().role, Role::Viewer);
    let remove_bob = store.remove_member(org.id, bob.id, Role::Owner).await;
    assert!(matches!(remove_bob, Err(StoreError::Conflict(Conflict::LastOwner))));
    assert_eq!(store.membership(org.id, bob.id).await.unwrap().unwrap().role, Role::Owner);
}

#[tokio::test]
async fn two_owners_stepping_down_at_once_leave_one_owner() {
    let store = fresh_store().await;
    let (ann, org) = signed_up(&store, "ann@example.com").await;
    let bob = user("bob@example.com");
    store.add_member(&Membership::new(org.id, &bob, Role::Owner, Utc::now())).await.unwrap();
    let (a, b) = tokio::join!(
        store.change_role(org.id, ann.id, Role::Owner, Role::Viewer),
        store.change_role(org.id, bob.id, Role::Owner, Role::Viewer)
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "exactly one may step down: {a:?} {b:?}");
}

#[tokio::test]
async fn adding_a_member_twice_is_a_conflict() {
    let store = fresh_store().await;
    let (_, org) = signed_up(&store, "ann@example.com").await;
    let bob = user("bob@example.com");
    let member = Membership::new(org.id, &bob, Role::Viewer, Utc::now());
    store.add_member(&member).await.unwrap();
    assert!(matches!(store.add_member(&member).await, Err(StoreError::Conflict(Conflict::AlreadyMember))));
}

#[tokio::test]
async fn members_come_in_pages_that_cover_everyone_once() {
    let store = fresh_store().await;
    let (_, org) = signed_up(&store, "owner@example.com").await;
    for i in 0..6 {
        let u = user(&format!("m{i}@example.com"));
        store.add_member(&Membership::new(org.id, &u, Role::Viewer, Utc::now())).await.unwrap();
    }
    let mut seen = Vec::new();
    let mut page = PageRequest::first(3);
    let mut pages = 0;
    loop {
        let result = store.members(org.id, &page).await.unwrap();
        pages += 1;
        assert!(result.items.len() <= 3);
        seen.extend(result.items.into_iter().map(|m| m.user_id));
        match result.next_cursor {
            Some(cursor) => page = PageRequest::parse(Some(3), Some(cursor.as_str())).unwrap(),
            None => break,
        }
    }
    assert_eq!(pages, 3, "7 members in pages of 3");
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((seen.len(), unique.len()), (7, 7));
}

#[tokio::test]
async fn a_users_organisations_are_listed_with_roles() {
    let store = fresh_store().await;
    let (ann, own) = signed_up(&store, "ann@example.com").await;
    let (_, other) = signed_up(&store, "bob@example.com").await;
    store.add_member(&Membership::new(other.id, &ann, Role::Operator, Utc::now())).await.unwrap();
    let mut orgs = store.of_user(ann.id).await.unwrap();
    orgs.sort_by_key(|(o, _)| o.id);
    let mut expected = vec![(own.id, Role::Owner), (other.id, Role::Operator)];
    expected.sort();
    assert_eq!(orgs.iter().map(|(o, r)| (o.id, *r)).collect::<Vec<_>>(), expected);

    // the user's list follows role changes and removals, and a refused change leaves it alone
    store.change_role(other.id, ann.id, Role::Operator, Role::Admin).await.unwrap();
    assert!(store.change_role(other.id, ann.id, Role::Operator, Role::Viewer).await.is_err(), "no longer operator");
    let roles = |orgs: Vec<(Organization, Role)>| orgs.into_iter().map(|(o, r)| (o.id, r)).collect::<Vec<_>>();
    assert!(roles(store.of_user(ann.id).await.unwrap()).contains(&(other.id, Role::Admin)));
    store.remove_member(other.id, ann.id, Role::Admin).await.unwrap();
    assert_eq!(roles(store.of_user(ann.id).await.unwrap()), [(own.id, Role::Owner)]);
    let org = self::org();
    let owner = Membership::new(org.id, &ann, Role::Owner, Utc::now());
    Orgs::create(&*store, &org, &owner).await.unwrap();
    assert_eq!(store.of_user(ann.id).await.unwrap().len(), 2, "a new organisation is listed at once");
    assert!(store.of_user(UserId::new()).await.unwrap().is_empty());
}

fn refresh(session: SessionId, user: UserId) -> RefreshToken {
    RefreshToken {
        digest: OpaqueSecret::generate(SecretKind::RefreshToken).digest(),
        session_id: session,
        user_id: user,
        status: RefreshTokenStatus::Active,
        expires_at: Utc::now() + Duration::days(30),
    }
}

#[tokio::test]
async fn a_refresh_token_rotates_once_even_under_a_race() {
    let store = fresh_store().await;
    let (user, session) = (UserId::new(), SessionId::new());
    let first = refresh(session, user);
    Sessions::start(&*store, &first).await.unwrap();
    let (a, b) = (refresh(session, user), refresh(session, user));
    let (ra, rb) = tokio::join!(store.rotate(&first, &a), store.rotate(&first, &b));
    assert_eq!(ra.is_ok() as u8 + rb.is_ok() as u8, 1, "{ra:?} {rb:?}");
    let (stored, revoked) = store.refresh_token(&first.digest).await.unwrap().unwrap();
    assert_eq!((stored.status, revoked), (RefreshTokenStatus::Rotated, false));

    store.revoke(session).await.unwrap();
    let winner = if ra.is_ok() { a } else { b };
    assert!(store.refresh_token(&winner.digest).await.unwrap().unwrap().1, "session revoked");
    assert!(matches!(
        store.rotate(&winner, &refresh(session, user)).await,
        Err(StoreError::Conflict(Conflict::Concurrent))
    ));
}

#[tokio::test]
async fn token_use_is_recorded_at_most_once_per_interval() {
    let store = fresh_store().await;
    let secret = OpaqueSecret::generate(SecretKind::ApiToken);
    let token = ApiToken {
        id: TokenId::new(),
        user_id: UserId::new(),
        user_email: "a@b.io".into(),
        name: "ci".into(),
        scope: TokenScope::Read,
        digest: secret.digest(),
        created_at: Utc::now(),
        expires_at: None,
        last_used_at: None,
    };
    ApiTokens::create(&*store, &token).await.unwrap();
    assert_eq!(ApiTokens::by_digest(&*store, &secret.digest()).await.unwrap().unwrap().id, token.id);

    let t0 = Utc::now();
    store.touch(&token, t0, Duration::minutes(1)).await.unwrap();
    store.touch(&token, t0 + Duration::seconds(10), Duration::minutes(1)).await.unwrap();
    let seen = ApiTokens::get(&*store, token.user_id, token.id).await.unwrap().unwrap().last_used_at.unwrap();
    assert_eq!(seen.timestamp_millis(), t0.timestamp_millis(), "second use within a minute is not written");
    store.touch(&token, t0 + Duration::minutes(2), Duration::minutes(1)).await.unwrap();
    let later = ApiTokens::get(&*store, token.user_id, token.id).await.unwrap().unwrap().last_used_at.unwrap();
    assert_eq!(later.timestamp_millis(), (t0 + Duration::minutes(2)).timestamp_millis());

    store.delete(&token).await.unwrap();
    assert!(ApiTokens::by_digest(&*store, &secret.digest()).await.unwrap().is_none());
}

#[tokio::test]
async fn login_failures_count_within_the_window_and_restart_after_it() {
    let store = fresh_store().await;
    let email = Email::parse("email", "ann@example.com").unwrap();
    let throttle = LoginThrottle::EmailFromSource { email: email.to_string(), source: "203.0.113.7".into() };
    let t0 = Utc::now();
    for i in 1..=3 {
        assert_eq!(store.record_failure(&throttle, t0 + Duration::minutes(i)).await.unwrap().count, i as u32);
    }
    let state = store.failures(&throttle).await.unwrap().unwrap();
    assert_eq!((state.count, state.window_started_at.timestamp()), (3, t0.timestamp() + 60));
    let after = store.record_failure(&throttle, t0 + Duration::minutes(30)).await.unwrap();
    assert_eq!(after.count, 1, "a failure after the window starts a new one");
    store.clear(&throttle).await.unwrap();
    assert!(store.failures(&throttle).await.unwrap().is_none());
}

#[tokio::test]
async fn each_login_throttle_has_its_own_counter() {
    let store = fresh_store().await;
    let email = Email::parse("email", "ann@example.com").unwrap();
    let (secret, device) = DeviceToken::issue(UserId::new(), Utc::now());
    let mut throttles = LoginThrottle::for_attempt(&email, Some("203.0.113.7"), None);
    throttles.extend(LoginThrottle::for_attempt(&email, Some("198.51.100.1"), None));
    throttles.push(LoginThrottle::Device(secret.digest()));
    let now = Utc::now();
    for (i, throttle) in throttles.iter().enumerate() {
        for _ in 0..=i {
            store.record_failure(throttle, now).await.unwrap();
        }
    }
    // the pair, source, email and device counters of one email never share an item: the email
    // counter is counted twice (once per source) and the other sources' own once each
    let mut counts = Vec::new();
    for throttle in &throttles {
        counts.push(store.failures(throttle).await.unwrap().map(|f| f.count));
    }
    assert_eq!(counts, vec![Some(1), Some(2), Some(3 + 6), Some(4), Some(5), Some(3 + 6), Some(7)]);
    // clearing the pair leaves the email-wide counter in the same partition alone
    store.clear(&throttles[0]).await.unwrap();
    assert!(store.failures(&throttles[0]).await.unwrap().is_none());
    assert_eq!(store.failures(&throttles[2]).await.unwrap().unwrap().count, 9);
    // and the device's counter lives beside its token without disturbing it
    store.remember(&device).await.unwrap();
    store.clear(&LoginThrottle::Device(secret.digest())).await.unwrap();
    assert_eq!(DeviceTokens::by_digest(&*store, &secret.digest()).await.unwrap(), Some(device));
}

#[tokio::test]
async fn a_device_token_is_found_by_its_digest_only() {
    let store = fresh_store().await;
    let user = UserId::new();
    let now = DateTime::from_timestamp_millis(Utc::now().timestamp_millis()).unwrap();
    let (secret, device) = DeviceToken::issue(user, now);
    store.remember(&device).await.unwrap();
    let found = DeviceTokens::by_digest(&*store, &secret.digest()).await.unwrap().expect("the device");
    assert_eq!((found.user_id, found.created_at, found.expires_at), (user, now, device.expires_at));
    let other = OpaqueSecret::generate(SecretKind::DeviceToken);
    assert!(DeviceTokens::by_digest(&*store, &other.digest()).await.unwrap().is_none());
}

#[tokio::test]
async fn audit_events_are_listed_newest_first_for_org_and_actor() {
    let store = fresh_store().await;
    let (org, user) = (OrgId::new(), UserId::new());
    let mut ids = Vec::new();
    for _ in 0..3 {
        let event = AuditEvent {
            id: AuditId::new(),
            occurred_at: Utc::now(),
            action: Action::MemberAdd,
            outcome: Outcome::Success,
            actor_user_id: Some(user),
            actor_email: Some("a@b.io".into()),
            org_id: Some(org),
            target_kind: Some("user".into()),
            target_id: Some("usr_x".into()),
            ip: Some("127.0.0.1".into()),
            detail: None,
        };
        ids.push(event.id);
        store.record(&event).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    ids.reverse();
    let for_org: Vec<_> =
        store.for_org(org, &PageRequest::first(10)).await.unwrap().items.into_iter().map(|e| e.id).collect();
    let for_user: Vec<_> =
        store.for_user(user, &PageRequest::first(10)).await.unwrap().items.into_iter().map(|e| e.id).collect();
    assert_eq!(for_org, ids);
    assert_eq!(for_user, ids);
    assert!(store.for_org(OrgId::new(), &PageRequest::first(10)).await.unwrap().items.is_empty());
    // a cursor only opens in the list that made it: not another organisation's, not a user's
    let first = store.for_org(org, &PageRequest::first(2)).await.unwrap();
    let page = PageRequest { limit: 10, cursor: first.next_cursor };
    assert_eq!(store.for_org(org, &page).await.unwrap().items.len(), ids.len() - 2);
    for foreign in [store.for_org(OrgId::new(), &page).await, store.for_user(user, &page).await] {
        assert!(matches!(foreign, Err(StoreError::ForeignCursor)), "{:?}", foreign.map(|p| p.items.len()));
    }
}
