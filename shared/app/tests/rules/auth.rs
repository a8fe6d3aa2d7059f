//! Sign-up, login throttling, refresh-token rotation and reuse, logout.

use chrono::Duration;
use skyforge_app::AppError;
use skyforge_app::auth::{LoginInput, SignupInput};
use skyforge_app::principal::Credential;
use skyforge_domain::audit::{Action, Outcome};
use skyforge_domain::auth::{LoginThrottle, REFRESH_TOKEN_TTL, RefreshTokenStatus};

use crate::support::{PASSWORD, Platform, caller};

const EMAIL: &str = "user@example.com";

#[tokio::test]
async fn a_login_with_the_right_password_issues_an_access_token_that_authenticates() {
    let platform = Platform::new();
    let (user, _) = platform.signup(EMAIL).await;

    let tokens = platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
        .await
        .unwrap();
    let principal = platform.services.auth.authenticate(&tokens.access_token).await.unwrap();

    assert_eq!((principal.user_id, principal.credential), (user.id, Credential::Session));
    assert_eq!(tokens.expires_in, 900);
}

#[tokio::test]
async fn a_signup_with_a_taken_email_is_refused_and_writes_nothing() {
    let platform = Platform::new();
    platform.signup(EMAIL).await;
    let before = platform.store.audit_events().len();

    let input = SignupInput { email: EMAIL, password: "another long password", name: "Someone Else" };
    let again = platform.services.auth.signup(input, &caller()).await;

    assert!(matches!(again, Err(AppError::EmailTaken)), "{again:?}");
    assert_eq!(platform.store.audit_events().len(), before, "nothing audited under an unsaved user");
    assert!(
        platform
            .services
            .auth
            .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
            .await
            .is_ok(),
        "the first account still logs in"
    );
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_are_the_same_error() {
    let platform = Platform::new();
    platform.signup(EMAIL).await;

    let wrong = platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: "not the password at all", device_token: None }, &caller())
        .await;
    let unknown = platform
        .services
        .auth
        .login(LoginInput { email: "nobody@example.com", password: PASSWORD, device_token: None }, &caller())
        .await;

    assert!(matches!(wrong, Err(AppError::InvalidCredentials)), "{wrong:?}");
    assert!(matches!(unknown, Err(AppError::InvalidCredentials)), "{unknown:?}");
}

#[tokio::test]
async fn after_five_failed_logins_even_the_right_password_is_throttled_until_the_window_ends() {
    let platform = Platform::new();
    platform.signup(EMAIL).await;
    for _ in 0..LoginThrottle::EMAIL_FROM_SOURCE_LIMIT {
        let failed = platform
            .services
            .auth
            .login(LoginInput { email: EMAIL, password: "not the password at all", device_token: None }, &caller())
            .await;
        assert!(matches!(failed, Err(AppError::InvalidCredentials)), "{failed:?}");
    }
    platform.clock.advance(Duration::minutes(5));

    let throttled = platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
        .await;

    match throttled {
        Err(AppError::TooManyAttempts { retry_after_secs }) => assert_eq!(retry_after_secs, 10 * 60),
        other => panic!("expected TooManyAttempts, got {other:?}"),
    }
    let denied = platform.store.audit_events().into_iter().filter(|e| e.action == Action::Login).last().unwrap();
    assert_eq!(denied.detail.as_deref(), Some("too_many_attempts"));

    platform.clock.advance(Duration::minutes(10));
    assert!(
        platform
            .services
            .auth
            .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
            .await
            .is_ok(),
        "the window has ended"
    );
}

#[tokio::test]
async fn a_successful_login_starts_the_failure_count_again() {
    let platform = Platform::new();
    platform.signup(EMAIL).await;
    let who = caller();
    let fail = || {
        platform
            .services
            .auth
            .login(LoginInput { email: EMAIL, password: "not the password at all", device_token: None }, &who)
    };
    for _ in 0..LoginThrottle::EMAIL_FROM_SOURCE_LIMIT - 1 {
        assert!(fail().await.is_err());
    }
    platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
        .await
        .unwrap();
    for _ in 0..LoginThrottle::EMAIL_FROM_SOURCE_LIMIT - 1 {
        assert!(fail().await.is_err());
    }

    assert!(
        platform
            .services
            .auth
            .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
            .await
            .is_ok()
    );
}

#[tokio::test]
async fn a_refresh_token_is_exchanged_once_for_a_new_pair() {
    let platform = Platform::new();
    let (user, _) = platform.signup(EMAIL).await;
    let first = platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
        .await
        .unwrap();

    let second = platform.services.auth.refresh(first.refresh_token.expose(), &caller()).await.unwrap();

    assert_ne!(second.refresh_token.expose(), first.refresh_token.expose());
    assert_eq!(platform.services.auth.authenticate(&second.access_token).await.unwrap().user_id, user.id);
    assert_eq!(
        platform.store.refresh_token_state(first.refresh_token.expose()),
        Some((RefreshTokenStatus::Rotated, false))
    );
    assert_eq!(
        platform.store.refresh_token_state(second.refresh_token.expose()),
        Some((RefreshTokenStatus::Active, false))
    );
}

#[tokio::test]
async fn presenting_a_used_refresh_token_again_revokes_the_whole_session() {
    let platform = Platform::new();
    platform.signup(EMAIL).await;
    let first = platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
        .await
        .unwrap();
    let second = platform.services.auth.refresh(first.refresh_token.expose(), &caller()).await.unwrap();

    let reused = platform.services.auth.refresh(first.refresh_token.expose(), &caller()).await;

    assert!(matches!(reused, Err(AppError::RefreshTokenReused)), "{reused:?}");
    let newest = platform.services.auth.refresh(second.refresh_token.expose(), &caller()).await;
    assert!(matches!(newest, Err(AppError::InvalidRefreshToken)), "the thief's token is dead too: {newest:?}");
    assert_eq!(
        platform.store.refresh_token_state(second.refresh_token.expose()),
        Some((RefreshTokenStatus::Active, true))
    );
    let audited = platform.store.audit_events().into_iter().find(|e| e.action == Action::RefreshReuse).unwrap();
    assert_eq!((audited.outcome, audited.detail.as_deref()), (Outcome::Denied, Some("session_revoked")));
}

#[tokio::test]
async fn an_expired_refresh_token_is_refused_without_revoking_anything() {
    let platform = Platform::new();
    platform.signup(EMAIL).await;
    let tokens = platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
        .await
        .unwrap();
    platform.clock.advance(REFRESH_TOKEN_TTL);

    let expired = platform.services.auth.refresh(tokens.refresh_token.expose(), &caller()).await;

    assert!(matches!(expired, Err(AppError::InvalidRefreshToken)), "{expired:?}");
    assert_eq!(
        platform.store.refresh_token_state(tokens.refresh_token.expose()),
        Some((RefreshTokenStatus::Active, false))
    );
}

#[tokio::test]
async fn after_logout_the_refresh_token_is_refused_and_an_unknown_token_logs_out_silently() {
    let platform = Platform::new();
    platform.signup(EMAIL).await;
    let tokens = platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
        .await
        .unwrap();

    platform.services.auth.logout(tokens.refresh_token.expose(), &caller()).await.unwrap();

    let after = platform.services.auth.refresh(tokens.refresh_token.expose(), &caller()).await;
    assert!(matches!(after, Err(AppError::InvalidRefreshToken)), "{after:?}");
    assert!(platform.services.auth.logout("sfr_not-a-token", &caller()).await.is_ok());
}

#[tokio::test]
async fn a_login_while_the_store_is_down_is_unavailable_not_a_wrong_password() {
    let platform = Platform::new();
    platform.signup(EMAIL).await;
    platform.store.set_unavailable(true);

    let login = platform
        .services
        .auth
        .login(LoginInput { email: EMAIL, password: PASSWORD, device_token: None }, &caller())
        .await;

    assert!(matches!(login, Err(AppError::Unavailable(_))), "{login:?}");
}
