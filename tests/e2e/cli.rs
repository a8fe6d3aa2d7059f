//! The `skyforge` command against the local runtime: sign-in stored 0600, lists in each output
//! format parsed back, `deploy --wait` exit codes on the sandbox template, and a 401 and a 404
//! printed as one clear line with their exit codes. Needs the binary built:
//! `cargo build -p skyforge-cli` (`make test` builds the workspace).

use std::process::Output;

use serde_json::Value;
use skyforge_e2e::{PASSWORD, Platform, built_binary};

struct Cli {
    base: String,
    config: std::path::PathBuf,
}

impl Cli {
    fn new(platform: &Platform) -> Self {
        let config = std::env::temp_dir().join(format!("skyforge-cli-{}", ulid::Ulid::new()));
        Self { base: platform.base.clone(), config }
    }

    async fn run(&self, args: &[&str]) -> Output {
        tokio::process::Command::new(built_binary("skyforge"))
            .args(args)
            .env("SKYFORGE_URL", &self.base)
            .env("SKYFORGE_CONFIG_DIR", &self.config)
            .env("SKYFORGE_PASSWORD", PASSWORD)
            .env_remove("SKYFORGE_TOKEN")
            .env_remove("SKYFORGE_ORG")
            .output()
            .await
            .expect("running skyforge")
    }

    async fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args).await;
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice(&out.stdout).expect("JSON on stdout")
    }
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test]
async fn the_cli_signs_in_lists_in_each_format_and_deploys_with_exit_codes() {
    let platform = Platform::start().await;
    let alice = platform.user("alice").await;
    let cli = Cli::new(&platform);

    let login = cli.run(&["login", "--email", &alice.email]).await;
    assert_eq!(login.status.code(), Some(0), "{}", stderr(&login));
    let file = cli.config.join("config.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(stored["profiles"]["default"]["refresh_token"].as_str().is_some_and(|t| !t.is_empty()));

    // piped: JSON by default; each format parsed back
    let orgs = cli.json(&["orgs"]).await;
    assert_eq!(orgs[0]["id"], alice.org.as_str());
    let templates = cli.json(&["templates", "-o", "json"]).await;
    assert!(templates.as_array().unwrap().iter().any(|t| t["id"] == "sandbox"), "{templates}");
    let csv = cli.run(&["templates", "-o", "csv"]).await;
    let csv = String::from_utf8(csv.stdout).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,title,provider,sandbox"));
    assert!(lines.any(|l| l.starts_with("sandbox,")), "{csv}");
    let table = cli.run(&["templates", "-o", "table"]).await;
    assert!(String::from_utf8(table.stdout).unwrap().starts_with("ID "), "a header row");
    assert_eq!(cli.json(&["inventory", "list"]).await, serde_json::json!([]));

    // deploy --wait --auto-approve on the sandbox: applied, exit 0
    let created = cli
        .json(&["deployments", "create", "--template", "sandbox", "--name", "cli", "--var", "instance_count=1"])
        .await;
    let deployment = created["id"].as_str().unwrap().to_owned();
    let applied = cli.run(&["deploy", &deployment, "--wait", "--auto-approve", "--timeout", "300"]).await;
    assert_eq!(applied.status.code(), Some(0), "{}", stderr(&applied));
    assert!(stderr(&applied).contains("applied"), "{}", stderr(&applied));

    // without approval it waits: --timeout gives up with 6; discarded, `runs watch` ends with 1
    let waiting = cli.run(&["deploy", &deployment, "--wait", "--timeout", "3"]).await;
    assert_eq!(waiting.status.code(), Some(6), "{}", stderr(&waiting));
    let started = stderr(&waiting);
    let run = started
        .split_whitespace()
        .find(|w| w.starts_with("run_"))
        .unwrap_or_else(|| panic!("the run's id on stderr: {started}"))
        .to_owned();
    let runs = cli.json(&["runs", "list", "--deployment", &deployment]).await;
    assert_eq!(runs.as_array().unwrap().len(), 2, "{runs}");
    // the plan may still be running: discard once it waits for approval
    for _ in 0..120 {
        let shown = cli.json(&["runs", "show", &deployment, &run]).await;
        if shown["status"] == "awaiting_approval" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    let discarded = cli.json(&["runs", "discard", &deployment, &run]).await;
    assert_eq!(discarded["status"], "discarded");
    let watched = cli.run(&["runs", "watch", &deployment, &run]).await;
    assert_eq!(watched.status.code(), Some(1), "{}", stderr(&watched));
    assert_eq!(stderr(&watched).trim(), format!("error: run {run} ended discarded"));

    // a 404 and a 401: one line each, with the code, exits 5 and 4
    let missing = cli.run(&["deployments", "show", "dep_01JD7Z8Y3Q4W5E6R7T8Y9U0I1O"]).await;
    assert_eq!(missing.status.code(), Some(5), "{}", stderr(&missing));
    assert_eq!(stderr(&missing).lines().count(), 1, "{}", stderr(&missing));
    assert!(stderr(&missing).contains("(code: not_found, HTTP 404)"), "{}", stderr(&missing));
    let refused = cli.run(&["orgs", "--token", "sk_not_a_token"]).await;
    assert_eq!(refused.status.code(), Some(4), "{}", stderr(&refused));
    assert_eq!(stderr(&refused).lines().count(), 1, "{}", stderr(&refused));
    assert!(stderr(&refused).contains("HTTP 401"), "{}", stderr(&refused));
    // usage: exit 2
    assert_eq!(cli.run(&["deploy"]).await.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&cli.config);
}
