//! Access tokens: anything but a valid, current, correctly issued HS256 JWT is a 401.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};
use skyforge_e2e::{Platform, TEST_JWT_KEY};

fn claims(sub: &str, iss: &str, aud: &str, exp_offset: i64) -> Value {
    let now = Utc::now().timestamp();
    json!({"sub": sub, "email": "x@example.com", "sid": "ses_x", "iss": iss, "aud": aud, "iat": now, "exp": now + exp_offset})
}

fn sign(alg: Algorithm, key: &[u8], claims: &Value) -> String {
    encode(&Header::new(alg), claims, &EncodingKey::from_secret(key)).unwrap()
}

#[tokio::test]
async fn a_correctly_forged_token_is_accepted_so_the_negatives_below_mean_something() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let token = sign(Algorithm::HS256, TEST_JWT_KEY.as_bytes(), &claims(&user.id, "skyforge", "skyforge-api", 600));
    assert_eq!(platform.get("/v1/me", &token).await.status, StatusCode::OK);
}

#[tokio::test]
async fn bad_tokens_are_all_401() {
    let platform = Platform::start().await;
    let user = platform.user("ann").await;
    let key = TEST_JWT_KEY.as_bytes();
    let good = claims(&user.id, "skyforge", "skyforge-api", 600);
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(good.to_string())
    );
    let mut tampered = user.access.clone();
    tampered.pop();
    tampered.push(if user.access.ends_with('A') { 'B' } else { 'A' });
    let cases = [
        ("wrong key", sign(Algorithm::HS256, b"another-key-that-is-long-enough-to-sign-with", &good), "invalid_token"),
        ("alg none", unsigned, "invalid_token"),
        ("another algorithm", sign(Algorithm::HS512, key, &good), "invalid_token"),
        ("wrong issuer", sign(Algorithm::HS256, key, &claims(&user.id, "evil", "skyforge-api", 600)), "invalid_token"),
        (
            "wrong audience",
            sign(Algorithm::HS256, key, &claims(&user.id, "skyforge", "other-api", 600)),
            "invalid_token",
        ),
        ("expired", sign(Algorithm::HS256, key, &claims(&user.id, "skyforge", "skyforge-api", -60)), "token_expired"),
        ("tampered signature", tampered, "invalid_token"),
        ("garbage", "not.a.jwt".to_owned(), "invalid_token"),
    ];
    for (case, token, code) in cases {
        let reply = platform.get("/v1/me", &token).await;
        assert_eq!((reply.status, reply.code()), (StatusCode::UNAUTHORIZED, code), "{case}");
        assert_eq!(reply.headers["www-authenticate"], "Bearer", "{case}");
    }
}

#[tokio::test]
async fn missing_or_malformed_authorization_is_401() {
    let platform = Platform::start().await;
    let none = platform.call(reqwest::Method::GET, "/v1/me", None, None).await;
    assert_eq!((none.status, none.code()), (StatusCode::UNAUTHORIZED, "unauthenticated"));
    let basic = platform.send(platform.raw(reqwest::Method::GET, "/v1/me").header("authorization", "Basic YTpi")).await;
    assert_eq!((basic.status, basic.code()), (StatusCode::UNAUTHORIZED, "invalid_token"));
    let empty = platform.send(platform.raw(reqwest::Method::GET, "/v1/me").header("authorization", "Bearer ")).await;
    assert_eq!(empty.status, StatusCode::UNAUTHORIZED);
}
