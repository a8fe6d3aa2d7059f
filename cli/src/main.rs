//! `skyforge`: Skyforge's API from a terminal or a CI pipeline. Lists print as a table on a
//! terminal and as JSON when piped (`--output` chooses); errors are one line with the API's
//! `code`; exit codes are in docs/cli.md and [`client::exit`].

mod client;
mod config;
mod output;
mod runs;

/// The API's types, generated from web/openapi.json by build.rs.
#[allow(dead_code, clippy::all)]
mod api {
    include!(concat!(env!("OUT_DIR"), "/api_types.rs"));
}

use std::io::{BufRead, IsTerminal};
use std::time::Duration;

use clap::{CommandFactory, Parser, Subcommand};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use client::{CliError, CliResult, Client, exit};
use output::{ListWriter, Output};

#[derive(Debug, Parser)]
#[command(
    name = "skyforge",
    version,
    about = "Skyforge from the command line: inventory, costs, deployments and runs."
)]
#[command(after_help = "Exit codes: 0 success; 1 a run errored, was cancelled or discarded, or the API failed; \
2 usage; 3 policy (reserved); 4 not signed in or refused (401/403); 5 not found (404); 6 --timeout reached.")]
struct Cli {
    /// The API's base URL (default: the profile's, else http://127.0.0.1:8080).
    #[arg(long, global = true, env = "SKYFORGE_URL")]
    url: Option<String>,
    /// An API token (or a JWT); takes precedence over the profile's sign-in.
    #[arg(long, global = true, env = "SKYFORGE_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The profile: one per installation, in the config directory.
    #[arg(long, global = true, env = "SKYFORGE_PROFILE", default_value = "default")]
    profile: String,
    /// The organisation id (default: the profile's, else your only one).
    #[arg(long, global = true, env = "SKYFORGE_ORG")]
    org: Option<String>,
    /// table (default on a terminal), json (default when piped) or csv.
    #[arg(long, short = 'o', global = true, value_enum)]
    output: Option<Output>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in with email and password; keeps a refresh token in the profile (0600).
    Login {
        #[arg(long)]
        email: String,
        /// Read the password from standard input's first line (else SKYFORGE_PASSWORD, else a prompt).
        #[arg(long)]
        password_stdin: bool,
        /// Make this the profile's default organisation.
        #[arg(long = "default-org")]
        default_org: Option<String>,
    },
    /// Forget the profile's sign-in.
    Logout,
    /// Your organisations and your role in each.
    Orgs,
    /// The inventory of every connected cloud account.
    #[command(subcommand)]
    Inventory(InventoryCommand),
    /// What the organisation spent, grouped.
    Costs {
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        from: Option<String>,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        to: Option<String>,
        /// provider, service, credential or day.
        #[arg(long)]
        group_by: Option<String>,
    },
    /// What the organisation could stop paying for.
    Recommendations,
    /// How each provider's API answered, per credential and region.
    Health,
    /// Connected cloud accounts.
    #[command(subcommand)]
    Credentials(CredentialsCommand),
    /// Deployments of templates.
    #[command(subcommand)]
    Deployments(DeploymentsCommand),
    /// The templates a deployment can be made from.
    Templates,
    /// Runs (plan and apply, or destroy) of deployments.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// Plan and apply a deployment; with --wait, follow it and exit 0 applied, 1 otherwise.
    Deploy {
        deployment: String,
        #[arg(long)]
        wait: bool,
        /// Approve the plan when it waits for approval.
        #[arg(long, requires = "wait")]
        auto_approve: bool,
        /// Give up waiting after this many seconds (exit 6; the run goes on).
        #[arg(long, requires = "wait")]
        timeout: Option<u64>,
    },
    /// Personal API tokens.
    #[command(subcommand)]
    Tokens(TokensCommand),
    /// The organisation's audit log (or yours, with --mine).
    Audit {
        #[arg(long)]
        mine: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Subcommand)]
enum InventoryCommand {
    /// Every resource matching the filters, all pages.
    List(InventoryFilters),
    /// One resource.
    Show { resource: String },
    /// A resource's changes, newest first.
    History { resource: String },
}

#[derive(Debug, clap::Args)]
struct InventoryFilters {
    /// aws, azure or gcp
    #[arg(long)]
    provider: Option<String>,
    /// vm, disk, network, subnet, public_ip or bucket
    #[arg(long = "type")]
    kind: Option<String>,
    #[arg(long)]
    region: Option<String>,
    #[arg(long)]
    state: Option<String>,
    /// A credential id.
    #[arg(long)]
    credential: Option<String>,
    /// key=value, or key for "has the tag".
    #[arg(long)]
    tag: Option<String>,
    /// A deployment id.
    #[arg(long)]
    deployment: Option<String>,
    /// Text in the name or the provider's id.
    #[arg(long, short = 'q')]
    query: Option<String>,
    /// Also list resources no longer found.
    #[arg(long)]
    include_deleted: bool,
    /// type, -type, name or -name
    #[arg(long, allow_hyphen_values = true)]
    sort: Option<String>,
}

#[derive(Debug, Subcommand)]
enum CredentialsCommand {
    List,
    /// Connect a cloud account (AWS role or keys; Azure and GCP through JSON with --body).
    Add {
        #[arg(long)]
        provider: String,
        #[arg(long)]
        name: String,
        /// AWS: the role to assume (see the web app's setup for its trust policy).
        #[arg(long)]
        role_arn: Option<String>,
        /// AWS access key id (the secret from AWS_SECRET_ACCESS_KEY, never an argument).
        #[arg(long)]
        access_key_id: Option<String>,
        /// Regions to sync (repeat).
        #[arg(long = "region")]
        regions: Vec<String>,
        /// Any other fields of the request, as a JSON object (e.g. Azure's or GCP's).
        #[arg(long)]
        body: Option<String>,
    },
    /// Sync a credential now.
    Sync {
        credential: String,
    },
    /// A credential's syncs, newest first.
    Syncs {
        credential: String,
    },
}

#[derive(Debug, Subcommand)]
enum DeploymentsCommand {
    List,
    Show {
        deployment: String,
    },
    /// Create a deployment from a template.
    Create {
        #[arg(long)]
        template: String,
        #[arg(long)]
        name: String,
        /// A credential of the template's provider (none for the sandbox).
        #[arg(long)]
        credential: Option<String>,
        /// A variable, name=value (the value is read as JSON when it parses, else as text).
        #[arg(long = "var")]
        vars: Vec<String>,
    },
    /// Start a destroy run.
    Destroy {
        deployment: String,
        #[arg(long)]
        wait: bool,
        #[arg(long, requires = "wait")]
        auto_approve: bool,
        #[arg(long, requires = "wait")]
        timeout: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
enum RunsCommand {
    /// The organisation's recent runs, or a deployment's with --deployment.
    List {
        #[arg(long)]
        deployment: Option<String>,
    },
    Show {
        deployment: String,
        run: String,
    },
    /// The archived log.
    Logs {
        deployment: String,
        run: String,
    },
    /// The log live, from its start, until the run ends (exit 0 applied, 1 otherwise).
    Watch {
        deployment: String,
        run: String,
    },
    Approve {
        deployment: String,
        run: String,
    },
    Cancel {
        deployment: String,
        run: String,
    },
    Discard {
        deployment: String,
        run: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokensCommand {
    List,
    /// Create a token; its secret is printed once.
    Create {
        #[arg(long)]
        name: String,
        /// read or write
        #[arg(long, default_value = "read")]
        scope: String,
        /// RFC 3339 expiry.
        #[arg(long)]
        expires_at: Option<String>,
    },
    Revoke {
        token: String,
    },
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { exit::USAGE } else { exit::OK };
            let _ = error.print();
            std::process::exit(code);
        }
    };
    let code = match run(cli).await {
        Ok(code) => code,
        // a reader that stopped reading (`| head`) is not an error
        Err(CliError::Local(message)) if message.contains("Broken pipe") => exit::OK,
        Err(error) => {
            eprintln!("{}", error.line());
            error.exit_code()
        }
    };
    std::process::exit(code);
}

/// Serialises a typed answer for printing.
fn value<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).unwrap_or_default()
}

async fn list<T: DeserializeOwned + Serialize>(
    client: &mut Client,
    output: Output,
    path: &str,
    query: &[(&str, String)],
    columns: &[&'static str],
) -> CliResult<i32> {
    let mut writer = ListWriter::new(output, columns);
    client.pages::<T>(path, query, |items| Ok(writer.page(&items.iter().map(value).collect::<Vec<_>>())?)).await?;
    writer.finish()?;
    Ok(exit::OK)
}

fn show<T: Serialize>(output: Output, t: &T) -> CliResult<i32> {
    output::object(output, &value(t))?;
    Ok(exit::OK)
}

fn run_end(run: &str, status: String) -> CliResult<i32> {
    if status == "applied" { Ok(exit::OK) } else { Err(CliError::RunEnded { run: run.into(), status }) }
}

async fn run(cli: Cli) -> CliResult<i32> {
    let output = cli.output.unwrap_or(if std::io::stdout().is_terminal() { Output::Table } else { Output::Json });
    match &cli.command {
        Command::Completions { shell } => {
            // rendered whole first: clap_complete panics on a closed pipe (`| head`)
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "skyforge", &mut script);
            std::io::Write::write_all(&mut std::io::stdout(), &script)?;
            return Ok(exit::OK);
        }
        Command::Man => {
            clap_mangen::Man::new(Cli::command()).render(&mut std::io::stdout())?;
            return Ok(exit::OK);
        }
        _ => {}
    }
    let mut client = Client::new(cli.url.clone(), cli.token.clone(), &cli.profile, cli.org.clone())?;
    match cli.command {
        Command::Completions { .. } | Command::Man => unreachable!("answered above"),
        Command::Login { email, password_stdin, default_org } => {
            let password = if password_stdin {
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            } else if let Ok(password) = std::env::var("SKYFORGE_PASSWORD") {
                password
            } else {
                eprint!("password for {email}: ");
                let mut line = String::new();
                std::io::stdin().lock().read_line(&mut line)?;
                line.trim_end_matches(['\r', '\n']).to_owned()
            };
            client.login(&email, &password).await?;
            if default_org.is_some() {
                client.profile.org = default_org;
                client.save_profile()?;
            }
            let path = config::path().map_err(CliError::Local)?;
            eprintln!("signed in to {} as {email} (profile {}, {})", client.base, client.profile_name, path.display());
            Ok(exit::OK)
        }
        Command::Logout => {
            client.profile.refresh_token = None;
            client.save_profile()?;
            eprintln!("signed out (profile {})", client.profile_name);
            Ok(exit::OK)
        }
        Command::Orgs => {
            let me: api::MeResponse = client.get("/v1/me", &[]).await?;
            let mut writer = ListWriter::new(output, &["id", "name", "role", "created_at"]);
            writer.page(&me.organizations.iter().map(value).collect::<Vec<_>>())?;
            writer.finish()?;
            Ok(exit::OK)
        }
        Command::Inventory(command) => {
            let org = client.org().await?;
            match command {
                InventoryCommand::List(f) => {
                    let mut query: Vec<(&str, String)> = Vec::new();
                    for (name, v) in [
                        ("provider", f.provider),
                        ("type", f.kind),
                        ("region", f.region),
                        ("state", f.state),
                        ("credential", f.credential),
                        ("tag", f.tag),
                        ("deployment", f.deployment),
                        ("q", f.query),
                        ("sort", f.sort),
                    ] {
                        if let Some(v) = v {
                            query.push((name, v));
                        }
                    }
                    if f.include_deleted {
                        query.push(("include_deleted", "true".into()));
                    }
                    list::<api::ResourceView>(
                        &mut client,
                        output,
                        &format!("/v1/orgs/{org}/inventory"),
                        &query,
                        &["id", "provider", "account", "region", "type", "name", "state", "size", "native_id"],
                    )
                    .await
                }
                InventoryCommand::Show { resource } => {
                    let r: api::ResourceView = client.get(&format!("/v1/orgs/{org}/inventory/{resource}"), &[]).await?;
                    show(output, &r)
                }
                InventoryCommand::History { resource } => {
                    list::<api::HistoryEntryView>(
                        &mut client,
                        output,
                        &format!("/v1/orgs/{org}/inventory/{resource}/history"),
                        &[],
                        &["at", "change", "sync_run_id", "changes"],
                    )
                    .await
                }
            }
        }
        Command::Costs { from, to, group_by } => {
            let org = client.org().await?;
            let query: Vec<(&str, String)> = [("from", from), ("to", to), ("group_by", group_by)]
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect();
            let report: api::CostReportView = client.get(&format!("/v1/orgs/{org}/costs"), &query).await?;
            if output == Output::Json {
                return show(output, &report);
            }
            let mut writer = ListWriter::new(output, &["key", "currency", "amount"]);
            writer.page(&report.groups.iter().map(value).collect::<Vec<_>>())?;
            writer.finish()?;
            if output == Output::Table {
                let totals: Vec<String> =
                    report.totals.iter().map(|m| format!("{} {}", m.amount, m.currency)).collect();
                println!("\n{} to {}, by {}: {}", report.from, report.to, report.group_by, totals.join(", "));
            }
            Ok(exit::OK)
        }
        Command::Recommendations => {
            let org = client.org().await?;
            list::<api::RecommendationView>(
                &mut client,
                output,
                &format!("/v1/orgs/{org}/costs/recommendations"),
                &[],
                &["id", "rule", "provider", "monthly_saving", "currency", "action"],
            )
            .await
        }
        Command::Health => {
            let org = client.org().await?;
            let health: api::ProviderHealthList = client.get(&format!("/v1/orgs/{org}/health/providers"), &[]).await?;
            let mut writer = ListWriter::new(
                output,
                &["credential_id", "provider", "region", "ok", "latency_p50_ms", "errors", "checked_at", "last_error"],
            );
            writer.page(&health.items.iter().map(value).collect::<Vec<_>>())?;
            writer.finish()?;
            Ok(exit::OK)
        }
        Command::Credentials(command) => {
            let org = client.org().await?;
            let base = format!("/v1/orgs/{org}/credentials");
            match command {
                CredentialsCommand::List => {
                    list::<api::CredentialView>(
                        &mut client,
                        output,
                        &base,
                        &[],
                        &["id", "provider", "name", "method", "hint", "sync_enabled", "last_sync.status"],
                    )
                    .await
                }
                CredentialsCommand::Add { provider, name, role_arn, access_key_id, regions, body } => {
                    let mut request = match body {
                        Some(body) => serde_json::from_str::<Value>(&body)
                            .ok()
                            .filter(Value::is_object)
                            .ok_or_else(|| CliError::Usage("--body is a JSON object".into()))?,
                        None => json!({}),
                    };
                    request["provider"] = json!(provider);
                    request["name"] = json!(name);
                    if let Some(role_arn) = role_arn {
                        request["role_arn"] = json!(role_arn);
                    }
                    if let Some(key) = access_key_id {
                        let secret = std::env::var("AWS_SECRET_ACCESS_KEY").map_err(|_| {
                            CliError::Usage("--access-key-id needs the secret in AWS_SECRET_ACCESS_KEY".into())
                        })?;
                        request["access_key_id"] = json!(key);
                        request["secret_access_key"] = json!(secret);
                    }
                    if !regions.is_empty() {
                        request["regions"] = json!(regions);
                    }
                    let created: api::CredentialView = client.post(&base, &request).await?;
                    show(output, &created)
                }
                CredentialsCommand::Sync { credential } => {
                    let run: api::SyncRunView = client.post(&format!("{base}/{credential}/sync"), &json!({})).await?;
                    show(output, &run)
                }
                CredentialsCommand::Syncs { credential } => {
                    list::<api::SyncRunView>(
                        &mut client,
                        output,
                        &format!("{base}/{credential}/syncs"),
                        &[],
                        &["id", "status", "trigger", "queued_at", "finished_at"],
                    )
                    .await
                }
            }
        }
        Command::Deployments(command) => {
            let org = client.org().await?;
            let base = format!("/v1/orgs/{org}/deployments");
            match command {
                DeploymentsCommand::List => {
                    list::<api::DeploymentView>(
                        &mut client,
                        output,
                        &base,
                        &[],
                        &["id", "name", "template", "credential_id", "active_run_id", "updated_at"],
                    )
                    .await
                }
                DeploymentsCommand::Show { deployment } => {
                    let d: api::DeploymentView = client.get(&format!("{base}/{deployment}"), &[]).await?;
                    show(output, &d)
                }
                DeploymentsCommand::Create { template, name, credential, vars } => {
                    let mut variables = serde_json::Map::new();
                    for var in vars {
                        let (k, v) = var
                            .split_once('=')
                            .ok_or_else(|| CliError::Usage(format!("--var {var}: write name=value")))?;
                        let parsed = serde_json::from_str(v).unwrap_or_else(|_| Value::String(v.to_owned()));
                        variables.insert(k.to_owned(), parsed);
                    }
                    let request = api::CreateDeploymentRequest {
                        template,
                        name,
                        credential,
                        variables: Value::Object(variables),
                    };
                    let d: api::DeploymentView = client.post(&base, &request).await?;
                    show(output, &d)
                }
                DeploymentsCommand::Destroy { deployment, wait, auto_approve, timeout } => {
                    start_run(&mut client, output, &org, &deployment, "destroy", wait, auto_approve, timeout).await
                }
            }
        }
        Command::Templates => {
            let templates: api::TemplateList = client.get("/v1/templates", &[]).await?;
            let mut writer = ListWriter::new(output, &["id", "title", "provider", "sandbox"]);
            writer.page(&value(&templates)["items"].as_array().cloned().unwrap_or_default())?;
            writer.finish()?;
            Ok(exit::OK)
        }
        Command::Runs(command) => {
            let org = client.org().await?;
            let path = |d: &str, r: &str| format!("/v1/orgs/{org}/deployments/{d}/runs/{r}");
            match command {
                RunsCommand::List { deployment: Some(d) } => {
                    list::<api::RunView>(
                        &mut client,
                        output,
                        &format!("/v1/orgs/{org}/deployments/{d}/runs"),
                        &[],
                        &["id", "kind", "status", "created_by", "created_at", "error"],
                    )
                    .await
                }
                RunsCommand::List { deployment: None } => {
                    let runs: api::RecentRunList = client.get(&format!("/v1/orgs/{org}/runs"), &[]).await?;
                    let mut writer = ListWriter::new(
                        output,
                        &["id", "deployment_id", "deployment_name", "kind", "status", "updated_at"],
                    );
                    writer.page(&value(&runs)["items"].as_array().cloned().unwrap_or_default())?;
                    writer.finish()?;
                    Ok(exit::OK)
                }
                RunsCommand::Show { deployment, run } => {
                    let r: api::RunView = client.get(&path(&deployment, &run), &[]).await?;
                    show(output, &r)
                }
                RunsCommand::Logs { deployment, run } => {
                    runs::print_archived(&mut client, &org, &deployment, &run, 0).await?;
                    Ok(exit::OK)
                }
                RunsCommand::Watch { deployment, run } => {
                    let status = runs::watch(&mut client, &org, &deployment, &run).await?;
                    run_end(&run, status)
                }
                RunsCommand::Approve { deployment, run } => {
                    let r: api::RunView =
                        client.post(&format!("{}/approve", path(&deployment, &run)), &json!({})).await?;
                    show(output, &r)
                }
                RunsCommand::Cancel { deployment, run } => {
                    let r: api::RunView =
                        client.post(&format!("{}/cancel", path(&deployment, &run)), &json!({})).await?;
                    show(output, &r)
                }
                RunsCommand::Discard { deployment, run } => {
                    let r: api::RunView =
                        client.post(&format!("{}/discard", path(&deployment, &run)), &json!({})).await?;
                    show(output, &r)
                }
            }
        }
        Command::Deploy { deployment, wait, auto_approve, timeout } => {
            let org = client.org().await?;
            start_run(&mut client, output, &org, &deployment, "plan_and_apply", wait, auto_approve, timeout).await
        }
        Command::Tokens(command) => match command {
            TokensCommand::List => {
                list::<api::TokenView>(
                    &mut client,
                    output,
                    "/v1/tokens",
                    &[],
                    &["id", "name", "scope", "created_at", "expires_at", "last_used_at"],
                )
                .await
            }
            TokensCommand::Create { name, scope, expires_at } => {
                let request = json!({"name": name, "scope": scope, "expires_at": expires_at});
                let created: api::CreateTokenResponse = client.post("/v1/tokens", &request).await?;
                if output == Output::Table {
                    eprintln!("token {} created; its secret, shown this once:", created.id);
                    println!("{}", created.token);
                    return Ok(exit::OK);
                }
                show(output, &created)
            }
            TokensCommand::Revoke { token } => {
                client.delete(&format!("/v1/tokens/{token}")).await?;
                eprintln!("token {token} revoked");
                Ok(exit::OK)
            }
        },
        Command::Audit { mine } => {
            let path = if mine { "/v1/me/audit".to_owned() } else { format!("/v1/orgs/{}/audit", client.org().await?) };
            list::<api::AuditEventView>(
                &mut client,
                output,
                &path,
                &[],
                &["occurred_at", "action", "outcome", "actor_email", "target_kind", "target_id", "detail"],
            )
            .await
        }
    }
}

/// Starts a run of `kind`; with `wait`, follows it (see [`runs::wait`]) and exits by its end.
#[allow(clippy::too_many_arguments)]
async fn start_run(
    client: &mut Client,
    output: Output,
    org: &str,
    deployment: &str,
    kind: &str,
    wait: bool,
    auto_approve: bool,
    timeout: Option<u64>,
) -> CliResult<i32> {
    let run: api::RunView =
        client.post(&format!("/v1/orgs/{org}/deployments/{deployment}/runs"), &json!({"kind": kind})).await?;
    if !wait {
        return show(output, &run);
    }
    eprintln!("run {} started ({kind})", run.id);
    let status = runs::wait(client, org, deployment, &run.id, auto_approve, timeout.map(Duration::from_secs)).await?;
    run_end(&run.id, status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn a_401_exits_4_and_a_404_exits_5_with_one_line() {
        let unauthorised = CliError::Api { status: 401, code: "invalid_token".into(), detail: "invalid token".into() };
        assert_eq!(unauthorised.exit_code(), 4);
        assert_eq!(unauthorised.line(), "error: invalid token (code: invalid_token, HTTP 401)");
        let missing = CliError::Api { status: 404, code: "not_found".into(), detail: "deployment not found".into() };
        assert_eq!(missing.exit_code(), 5);
        assert!(!missing.line().contains('\n'));
    }

    #[test]
    fn a_run_that_did_not_apply_exits_1() {
        assert_eq!(run_end("run_1", "applied".into()).unwrap(), 0);
        for status in ["errored", "cancelled", "discarded"] {
            assert_eq!(run_end("run_1", status.into()).unwrap_err().exit_code(), 1, "{status}");
        }
    }

    #[test]
    fn deploy_takes_auto_approve_only_with_wait() {
        let error = Cli::try_parse_from(["skyforge", "deploy", "dep_1", "--auto-approve"]).unwrap_err();
        assert!(error.use_stderr());
        assert!(
            Cli::try_parse_from(["skyforge", "deploy", "dep_1", "--wait", "--auto-approve", "--timeout", "60"]).is_ok()
        );
    }
}
