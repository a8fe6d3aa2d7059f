//! Stand-ins for the Azure and GCP APIs that have no emulator: HTTP doubles serving the JSON
//! the providers document ([`azure`], [`gcp`], with their billing data in [`costs`]), a launcher of the Cloud Storage emulator
//! ([`gcs`]), a service-account key made on the spot ([`service_account_key`]), and the demo
//! worlds the local runtime and the end-to-end tests share ([`demo`]).

pub mod azure;
pub mod costs;
pub mod demo;
pub mod gcp;
pub mod gcs;

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::KeyPair as _;
use base64::Engine as _;

/// A fresh service-account key file for `client_email`, whose grants go to `token_uri`, and
/// its public key (PEM) for the token double to check signatures with. Made at run time, so
/// no private key is ever committed.
pub fn service_account_key(client_email: &str, project: &str, token_uri: &str) -> (String, String) {
    let pair = KeyPair::generate(KeySize::Rsa2048).expect("RSA key generation");
    let private: Pkcs8V1Der<'static> = pair.as_der().expect("PKCS#8 encoding");
    let public: PublicKeyX509Der<'static> = pair.public_key().as_der().expect("SPKI encoding");
    let key_json = serde_json::json!({
        "type": "service_account",
        "project_id": project,
        "private_key_id": "0123456789abcdef",
        "private_key": pem("PRIVATE KEY", private.as_ref()),
        "client_email": client_email,
        "client_id": "100000000000000000001",
        "token_uri": token_uri,
    });
    (key_json.to_string(), pem("PUBLIC KEY", public.as_ref()))
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> =
        body.as_bytes().chunks(64).map(|c| std::str::from_utf8(c).expect("base64 is ASCII")).collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}
