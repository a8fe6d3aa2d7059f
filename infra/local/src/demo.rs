//! Demo data for `make up`: a user with a personal organisation, clearly labelled as demo.

use std::net::SocketAddr;

use skyforge_app::auth::SignupInput;
use skyforge_app::{AppError, Caller, Services};

pub const EMAIL: &str = "demo@skyforge.local";
pub const PASSWORD: &str = "skyforge-demo-password";
pub const NAME: &str = "Demo User";

/// Creates the demo user unless it exists already.
pub async fn seed(services: &Services) -> anyhow::Result<()> {
    let input = SignupInput { email: EMAIL, password: PASSWORD, name: NAME };
    match services.auth.signup(input, &Caller::anonymous(Some("127.0.0.1".into()))).await {
        Ok((user, org)) => tracing::info!(user = %user.id, org = %org.id, "demo user created"),
        Err(AppError::EmailTaken) => tracing::info!("demo user exists already"),
        Err(error) => return Err(anyhow::anyhow!(error).context("creating the demo user")),
    }
    Ok(())
}

pub fn print_login(address: SocketAddr) {
    println!();
    println!("  Skyforge is running (demo data)");
    println!("  open       http://{address}");
    println!("  log in as  {EMAIL} / {PASSWORD}");
    println!("  API        http://{address}/v1/openapi.json");
    println!();
}
