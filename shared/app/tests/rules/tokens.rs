//! Personal API tokens: scope, expiry, revocation, use recorded at most once a minute.

use chrono::Duration;
use skyforge_app::AppError;
use skyforge_app::principal::Credential;
use skyforge_domain::auth::TokenScope;
use skyforge_domain::page::PageRequest;

use crate::support::{Platform, caller, session};

#[tokio::test]
async fn a_read_token_authenticates_but_may_not_write_and_a_write_token_may() {
    let platform = Platform::new();
    let (user, _) = platform.signup("user@example.com").await;
    let me = session(&user);

    let (read, read_secret) = platform.services.tokens.create(&me, "ci", "read", None, &caller()).await.unwrap();
    let (_, write_secret) = platform.services.tokens.create(&me, "deploy", "write", None, &caller()).await.unwrap();

    let as_read = platform.services.auth.authenticate(read_secret.expose()).await.unwrap();
    assert_eq!(as_read.credential, Credential::ApiToken { id: read.id, scope: TokenScope::Read });
    assert!(!as_read.may_write());
    assert!(platform.services.auth.authenticate(write_secret.expose()).await.unwrap().may_write());
}

#[tokio::test]
async fn a_token_past_its_expiry_is_refused_as_expired() {
    let platform = Platform::new();
    let (user, _) = platform.signup("user@example.com").await;
    let expires = platform_now(&platform) + Duration::hours(1);
    let (_, secret) =
        platform.services.tokens.create(&session(&user), "short", "write", Some(expires), &caller()).await.unwrap();
    assert!(platform.services.auth.authenticate(secret.expose()).await.is_ok());

    platform.clock.advance(Duration::hours(1));

    let expired = platform.services.auth.authenticate(secret.expose()).await;
    assert!(matches!(expired, Err(AppError::TokenExpired)), "{expired:?}");
}

#[tokio::test]
async fn an_expiry_in_the_past_or_an_unknown_scope_is_a_validation_error() {
    let platform = Platform::new();
    let (user, _) = platform.signup("user@example.com").await;
    let past = platform_now(&platform) - Duration::minutes(1);

    let bad = platform.services.tokens.create(&session(&user), "t", "admin", Some(past), &caller()).await;

    match bad {
        Err(AppError::Validation(errors)) => {
            let mut fields: Vec<_> = errors.0.iter().map(|e| (e.field.as_str(), e.code)).collect();
            fields.sort();
            assert_eq!(fields, [("expires_at", "in_the_past"), ("scope", "invalid_scope")]);
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    let listed = platform.services.tokens.list(&session(&user), &PageRequest::first(10)).await.unwrap();
    assert!(listed.items.is_empty());
}

#[tokio::test]
async fn a_revoked_token_no_longer_authenticates_and_only_its_owner_may_revoke_it() {
    let platform = Platform::new();
    let (user, _) = platform.signup("user@example.com").await;
    let (other, _) = platform.signup("other@example.com").await;
    let (token, secret) =
        platform.services.tokens.create(&session(&user), "ci", "write", None, &caller()).await.unwrap();

    let by_other = platform.services.tokens.revoke(&session(&other), &token.id.to_string(), &caller()).await;
    assert!(matches!(by_other, Err(AppError::NotFound("token"))), "{by_other:?}");
    assert!(platform.services.auth.authenticate(secret.expose()).await.is_ok());

    platform.services.tokens.revoke(&session(&user), &token.id.to_string(), &caller()).await.unwrap();

    let revoked = platform.services.auth.authenticate(secret.expose()).await;
    assert!(matches!(revoked, Err(AppError::InvalidToken)), "{revoked:?}");
    assert!(platform.services.tokens.list(&session(&user), &PageRequest::first(10)).await.unwrap().items.is_empty());
}

#[tokio::test]
async fn a_tokens_use_is_recorded_at_most_once_a_minute() {
    let platform = Platform::new();
    let (user, _) = platform.signup("user@example.com").await;
    let (_, secret) = platform.services.tokens.create(&session(&user), "ci", "read", None, &caller()).await.unwrap();
    let last_used = || async {
        platform.services.tokens.list(&session(&user), &PageRequest::first(10)).await.unwrap().items[0].last_used_at
    };
    let first_use = platform_now(&platform);

    platform.services.auth.authenticate(secret.expose()).await.unwrap();
    platform.clock.advance(Duration::seconds(30));
    platform.services.auth.authenticate(secret.expose()).await.unwrap();
    assert_eq!(last_used().await, Some(first_use));

    platform.clock.advance(Duration::seconds(31));
    platform.services.auth.authenticate(secret.expose()).await.unwrap();
    assert_eq!(last_used().await, Some(first_use + Duration::seconds(61)));
}

#[tokio::test]
async fn the_token_list_is_newest_first_and_pages() {
    let platform = Platform::new();
    let (user, _) = platform.signup("user@example.com").await;
    for name in ["one", "two", "three"] {
        platform.services.tokens.create(&session(&user), name, "read", None, &caller()).await.unwrap();
        // ids are ULIDs of the wall clock: a new millisecond makes the order certain
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }

    let first = platform.services.tokens.list(&session(&user), &PageRequest::first(2)).await.unwrap();
    let cursor = first.next_cursor.clone().expect("a second page");
    let second =
        platform.services.tokens.list(&session(&user), &PageRequest { limit: 2, cursor: Some(cursor) }).await.unwrap();

    let names: Vec<_> = first.items.iter().chain(&second.items).map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["three", "two", "one"]);
    assert_eq!(second.next_cursor, None);
}

fn platform_now(platform: &Platform) -> chrono::DateTime<chrono::Utc> {
    use skyforge_app::ports::Clock;
    platform.clock.now()
}
