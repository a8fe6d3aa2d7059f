//! Sign-up, login, refresh rotation, logout, throttling, /v1/me.

use reqwest::{Method, StatusCode};
use serde_json::json;
use skyforge_e2e::{PASSWORD, Platform};

#[tokio::test]
async fn signup_normalises_the_email_and_creates_an_owned_organisation() {
    let platform = Platform::start().await;
    let reply = platform
        .post(
            "/v1/auth/signup",
            None,
            json!({"email": "  Ann.Lee@Example.COM ", "password": PASSWORD, "name": " Ann Lee "}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    assert_eq!(reply.body["user"]["email"], "ann.lee@example.com");
    assert_eq!(reply.body["user"]["name"], "Ann Lee");
    assert!(reply.body["user"]["id"].as_str().unwrap().starts_with("usr_"));
    assert_eq!(reply.body["organization"]["role"], "owner");
    assert!(reply.body["organization"]["id"].as_str().unwrap().starts_with("org_"));
    assert!(reply.body["user"].get("password_hash").is_none());

    // the normalised email logs in, whatever case it is typed in
    let login = platform.login("ANN.LEE@example.com", PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.body["token_type"], "Bearer");
    assert_eq!(login.body["expires_in"], 900);
    let access = login.body["access_token"].as_str().unwrap();

    let me = platform.get("/v1/me", access).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.body["user"]["email"], "ann.lee@example.com");
    assert_eq!(me.body["organizations"][0]["id"], reply.body["organization"]["id"]);
    assert_eq!(me.body["organizations"][0]["role"], "owner");
}

#[tokio::test]
async fn a_taken_email_is_a_conflict_in_any_case() {
    let platform = Platform::start().await;
    let first = platform
        .post("/v1/auth/signup", None, json!({"email": "bo@example.com", "password": PASSWORD, "name": "Bo"}))
        .await;
    assert_eq!(first.status, StatusCode::CREATED);
    let again = platform
        .post("/v1/auth/signup", None, json!({"email": " BO@example.com", "password": PASSWORD, "name": "Bo 2"}))
        .await;
    assert_eq!((again.status, again.code()), (StatusCode::CONFLICT, "email_taken"));
    // the first account is untouched
    assert_eq!(platform.login("bo@example.com", PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test]
async fn concurrent_signups_with_one_email_create_one_account() {
    let platform = Platform::start().await;
    let body = json!({"email": "race@example.com", "password": PASSWORD, "name": "Race"});
    let calls = (0..5).map(|_| platform.post("/v1/auth/signup", None, body.clone()));
    let replies: Vec<StatusCode> = futures::future::join_all(calls).await.into_iter().map(|r| r.status).collect();
    let created = replies.iter().filter(|s| **s == StatusCode::CREATED).count();
    let conflicts = replies.iter().filter(|s| **s == StatusCode::CONFLICT).count();
    assert_eq!((created, conflicts), (1, 4), "{replies:?}");
}

#[tokio::test]
async fn signup_names_every_invalid_field() {
    let platform = Platform::start().await;
    let reply = platform
        .post("/v1/auth/signup", None, json!({"email": "not-an-email", "password": "short", "name": "  "}))
        .await;
    assert_eq!((reply.status, reply.code()), (StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"));
    let mut fields = reply.field_codes();
    fields.sort();
    assert_eq!(
        fields,
        vec![
            ("email".into(), "invalid_email".into()),
            ("name".into(), "required".into()),
            ("password".into(), "too_short".into())
        ]
    );
    // and nothing was stored: the email is still free
    let retry = platform
        .post("/v1/auth/signup", None, json!({"email": "ok@example.com", "password": PASSWORD, "name": "Ok"}))
        .await;
    assert_eq!(retry.status, StatusCode::CREATED);
}

#[tokio::test]
async fn wrong_password_and_unknown_email_look_the_same() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let wrong = platform.login(&user.email, "wrong password!!").await;
    let unknown = platform.login("nobody@example.com", PASSWORD).await;
    assert_eq!((wrong.status, wrong.code()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    assert_eq!((unknown.status, unknown.code()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    assert_eq!(wrong.body["detail"], unknown.body["detail"]);
}

#[tokio::test]
async fn five_failed_logins_from_one_address_lock_the_email_there_with_retry_after() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    for _ in 0..5 {
        assert_eq!(platform.login(&user.email, "wrong password!!").await.status, StatusCode::UNAUTHORIZED);
    }
    // now even the right password waits, from this address
    let locked = platform.login(&user.email, PASSWORD).await;
    assert_eq!((locked.status, locked.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
    let retry_after: u64 = locked.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");

    // an unknown email is throttled the same way, so the 429 reveals nothing
    for _ in 0..5 {
        platform.login("ghost@example.com", PASSWORD).await;
    }
    assert_eq!(platform.login("ghost@example.com", PASSWORD).await.status, StatusCode::TOO_MANY_REQUESTS);
    // other emails are unaffected
    let other = platform.user("bob").await;
    assert_eq!(platform.login(&other.email, PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test]
async fn an_attacker_hammering_an_email_from_elsewhere_cannot_lock_its_user_out() {
    let platform = Platform::start().await;
    // the user signed up and logged in from 127.0.0.1, their own address
    let user = platform.user("ann").await;
    let (attacker, cafe) = (platform.client_from("127.0.0.2"), platform.client_from("127.0.0.3"));
    let login = |password: &str| json!({"email": user.email, "password": password});

    // the user's laptop logged in at a café once and kept the device token it was given
    let first = platform.login_through(&cafe, login(PASSWORD)).await;
    assert_eq!(first.status, StatusCode::OK);
    let device = first.body["device_token"].as_str().expect("a device token").to_owned();
    assert!(device.starts_with("sfd_"));

    // the attacker guesses from their address until throttled, then waits even with the password
    for _ in 0..5 {
        let guess = platform.login_through(&attacker, login("wrong password!!")).await;
        assert_eq!((guess.status, guess.code()), (StatusCode::UNAUTHORIZED, "invalid_credentials"));
    }
    for _ in 0..3 {
        let throttled = platform.login_through(&attacker, login(PASSWORD)).await;
        assert_eq!((throttled.status, throttled.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
        let retry_after: u64 = throttled.headers["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry_after), "{retry_after}");
    }
    // a made-up device token does not lift it
    let made_up = platform
        .login_through(&attacker, json!({"email": user.email, "password": PASSWORD, "device_token": "sfd_x"}))
        .await;
    assert_eq!(made_up.status, StatusCode::TOO_MANY_REQUESTS);

    // the user, from their own address, gets in (and this new device gets its own token)
    let home = platform.login(&user.email, PASSWORD).await;
    assert_eq!(home.status, StatusCode::OK, "{:?}", home.body);
    assert!(home.body["device_token"].as_str().unwrap().starts_with("sfd_"));

    // the attacker moves to the café and sprays other emails until that address is throttled too
    for i in 0..20 {
        let spray = platform
            .login_through(&cafe, json!({"email": format!("u{i}@example.com"), "password": "wrong password!!"}))
            .await;
        assert_eq!(spray.status, StatusCode::UNAUTHORIZED);
    }
    let new_device = platform.login_through(&cafe, login(PASSWORD)).await;
    assert_eq!((new_device.status, new_device.code()), (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts"));
    // the user's laptop at the café still gets in with its device token, and keeps it
    let known =
        platform.login_through(&cafe, json!({"email": user.email, "password": PASSWORD, "device_token": device})).await;
    assert_eq!(known.status, StatusCode::OK, "{:?}", known.body);
    assert!(known.body.get("device_token").is_none());
    assert_eq!(platform.get("/v1/me", known.body["access_token"].as_str().unwrap()).await.status, StatusCode::OK);

    // and no device token reached the log
    assert!(!platform.logs().contains(&device));
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_session() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let first = platform.post("/v1/auth/refresh", None, json!({"refresh_token": user.refresh})).await;
    assert_eq!(first.status, StatusCode::OK);
    let rotated = first.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(rotated, user.refresh);
    assert_eq!(platform.get("/v1/me", first.body["access_token"].as_str().unwrap()).await.status, StatusCode::OK);

    // the old token again: somebody else holds it, so the session ends for everyone
    let reuse = platform.post("/v1/auth/refresh", None, json!({"refresh_token": user.refresh})).await;
    assert_eq!((reuse.status, reuse.code()), (StatusCode::UNAUTHORIZED, "refresh_token_reused"));
    let after = platform.post("/v1/auth/refresh", None, json!({"refresh_token": rotated})).await;
    assert_eq!((after.status, after.code()), (StatusCode::UNAUTHORIZED, "invalid_refresh_token"));

    // another login is a new session and works
    assert_eq!(platform.login(&user.email, PASSWORD).await.status, StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let out = platform.post("/v1/auth/logout", None, json!({"refresh_token": user.refresh})).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    let refresh = platform.post("/v1/auth/refresh", None, json!({"refresh_token": user.refresh})).await;
    assert_eq!((refresh.status, refresh.code()), (StatusCode::UNAUTHORIZED, "invalid_refresh_token"));
    // unknown tokens log out quietly too
    let unknown = platform.post("/v1/auth/logout", None, json!({"refresh_token": "sfr_unknown"})).await;
    assert_eq!(unknown.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn garbage_refresh_tokens_are_401() {
    let platform = Platform::start().await;
    for token in ["", "sfr_nope", "x".repeat(5000).as_str()] {
        let reply = platform.post("/v1/auth/refresh", None, json!({"refresh_token": token})).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::UNAUTHORIZED, "invalid_refresh_token"), "{token:.20}");
    }
}

#[tokio::test]
async fn users_can_create_more_organisations() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let created = platform.post("/v1/orgs", Some(&user.access), json!({"name": "Platform team"})).await;
    assert_eq!(created.status, StatusCode::CREATED);
    assert_eq!(created.body["role"], "owner");
    let id = created.body["id"].as_str().unwrap();
    let got = platform.get(&format!("/v1/orgs/{id}"), &user.access).await;
    assert_eq!((got.status, got.body["name"].as_str()), (StatusCode::OK, Some("Platform team")));
    let me = platform.call(Method::GET, "/v1/me", Some(&user.access), None).await;
    assert_eq!(me.body["organizations"].as_array().unwrap().len(), 2);
}
