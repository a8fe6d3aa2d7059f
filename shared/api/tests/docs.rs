//! The docs against the code: the table of routes in `docs/api.md` lists exactly the operations
//! of the OpenAPI document (`web/openapi.json`, which `web_openapi_json_matches_the_code` keeps
//! equal to the code), its error table names every code `ApiError::parts` answers with, and
//! every path the capability map of `ARCHITECTURE.md` names exists.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

const API_GUIDE: &str = include_str!("../../../docs/api.md");
const OPENAPI: &str = include_str!("../../../web/openapi.json");

/// The heading of the section whose table is checked; the table ends at the next `## ` heading.
const ROUTES_HEADING: &str = "## Routes";
const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

type Routes = BTreeSet<(String, String)>;

/// Each row of the routes table starts with one operation as `` `METHOD /path` ``.
fn documented_routes(guide: &str) -> Routes {
    let start = guide.find(ROUTES_HEADING).expect("docs/api.md has a `## Routes` section");
    let section = &guide[start + ROUTES_HEADING.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut routes = BTreeSet::new();
    for line in section.lines().filter(|l| l.starts_with("| `")) {
        let cell = line.trim_start_matches('|').split('|').next().unwrap().trim().trim_matches('`');
        let (method, path) =
            cell.split_once(' ').unwrap_or_else(|| panic!("a route row starts with `METHOD /path`, not {cell:?}"));
        assert!(METHODS.contains(&method), "unknown method {method:?} in row {line:?}");
        assert!(path.starts_with("/v1/"), "a full path starting with /v1/, not {path:?}, in row {line:?}");
        assert!(routes.insert((method.to_owned(), path.to_owned())), "{method} {path} is listed twice");
    }
    routes
}

fn openapi_routes(document: &str) -> Routes {
    let doc: serde_json::Value = serde_json::from_str(document).expect("web/openapi.json is JSON");
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("the document has paths") {
        for method in METHODS {
            if item.get(method.to_lowercase()).is_some() {
                routes.insert((method.to_owned(), path.clone()));
            }
        }
    }
    routes
}

/// What the guide lacks, and what it lists that the API does not serve.
fn drift(guide: &str, document: &str) -> (Vec<String>, Vec<String>) {
    let (documented, served) = (documented_routes(guide), openapi_routes(document));
    let show = |(m, p): &(String, String)| format!("{m} {p}");
    (served.difference(&documented).map(show).collect(), documented.difference(&served).map(show).collect())
}

#[test]
fn the_api_guide_lists_every_route_of_the_openapi_document_and_no_other() {
    let (missing, extra) = drift(API_GUIDE, OPENAPI);
    assert!(missing.is_empty(), "routes in the OpenAPI document missing from docs/api.md's table: {missing:?}");
    assert!(extra.is_empty(), "routes in docs/api.md's table that the API does not serve: {extra:?}");
}

/// A guide whose routes table lists `routes`, for checking the check itself.
fn guide_listing(routes: &Routes) -> String {
    let rows: String = routes.iter().map(|(m, p)| format!("| `{m} {p}` | someone | something |\n")).collect();
    format!("# API guide\n\n{ROUTES_HEADING}\n\n| method and path | who | what |\n|---|---|---|\n{rows}\n## Next\n")
}

#[test]
fn a_route_left_out_of_the_guide_is_reported_as_missing() {
    let mut routes = openapi_routes(OPENAPI);
    assert!(routes.remove(&("GET".to_owned(), "/v1/me".to_owned())), "the API serves GET /v1/me");
    let (missing, extra) = drift(&guide_listing(&routes), OPENAPI);
    assert_eq!(missing, vec!["GET /v1/me".to_owned()]);
    assert!(extra.is_empty());
}

#[test]
fn a_route_the_api_does_not_serve_is_reported_as_extra() {
    let mut routes = openapi_routes(OPENAPI);
    routes.insert(("DELETE".to_owned(), "/v1/me/everything".to_owned()));
    let (missing, extra) = drift(&guide_listing(&routes), OPENAPI);
    assert!(missing.is_empty());
    assert_eq!(extra, vec!["DELETE /v1/me/everything".to_owned()]);
}

// --- the error table ---------------------------------------------------------------------------

const ERROR_SOURCE: &str = include_str!("../src/error.rs");
const ERRORS_HEADING: &str = "## Errors";

/// The codes of the one table from error to status and code: each `(StatusCode::X, "code", ...)`.
fn error_codes(source: &str) -> BTreeSet<String> {
    source
        .split("StatusCode::")
        .skip(1)
        .filter_map(|rest| {
            let rest = rest.trim_start_matches(|c: char| c.is_ascii_uppercase() || c == '_');
            rest.strip_prefix(", \"").and_then(|code| code.split('"').next()).map(str::to_owned)
        })
        .collect()
}

fn documented_error_codes(guide: &str) -> BTreeSet<String> {
    let start = guide.find(ERRORS_HEADING).expect("docs/api.md has an `## Errors` section");
    let section = &guide[start + ERRORS_HEADING.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut codes = BTreeSet::new();
    for row in section.lines().filter(|l| l.starts_with("| ")) {
        // the code column: one or more `code`s separated by " / "
        let Some(cell) = row.trim_matches('|').split('|').nth(1) else { continue };
        codes.extend(cell.split('`').skip(1).step_by(2).map(str::to_owned));
    }
    codes
}

#[test]
fn the_api_guide_lists_every_error_code() {
    let codes = error_codes(ERROR_SOURCE);
    assert!(codes.len() >= 20 && codes.contains("invalid_run_state"), "read the codes of error.rs: {codes:?}");
    let documented = documented_error_codes(API_GUIDE);
    let missing: Vec<_> = codes.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&codes).collect();
    assert!(missing.is_empty(), "error codes missing from docs/api.md's error table: {missing:?}");
    assert!(extra.is_empty(), "codes in docs/api.md's error table that the API never answers: {extra:?}");
}

// --- ARCHITECTURE.md ---------------------------------------------------------------------------

const ARCHITECTURE: &str = include_str!("../../../ARCHITECTURE.md");
const CAPABILITY_MAP_HEADING: &str = "## Capability map";

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The folder a column's short paths are relative to (domain, service, routes, web feature).
fn column_prefix(column: usize) -> &'static str {
    match column {
        1 => "shared/domain/src/",
        2 => "shared/app/src/",
        3 => "shared/api/src/routes/",
        6 => "web/src/features/",
        _ => "",
    }
}

const FULL_PATH_ROOTS: [&str; 8] =
    ["shared/", "functions/", "infra/", "tests/", "web/", "terraform/", "docs/", "template.yaml"];

fn is_source_file(name: &str) -> bool {
    [".rs", ".ts", ".tsx", ".toml", ".sh", ".yaml", ".mjs"].iter().any(|ext| name.ends_with(ext))
}

fn contains_file(folder: &Path, name: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(folder) else { return false };
    entries.flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() { contains_file(&path, name) } else { path.file_name().is_some_and(|n| n == name) }
    })
}

/// Every path in the capability map that does not exist: a column's paths are full or short
/// (relative to the column's folder); a file name in parentheses is looked for under the path
/// before it. Routes, function names and other words in backticks are not paths.
fn missing_capability_paths(architecture: &str, root: &Path) -> Vec<String> {
    let start = architecture.find(CAPABILITY_MAP_HEADING).expect("ARCHITECTURE.md has a capability map");
    let section = &architecture[start + CAPABILITY_MAP_HEADING.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut missing = Vec::new();
    for row in section.lines().filter(|l| l.starts_with("| ") && !l.starts_with("| capability")) {
        let cells: Vec<&str> = row.trim().trim_matches('|').split('|').map(str::trim).collect();
        assert_eq!(cells.len(), 8, "a capability row has 8 columns: {row}");
        for (column, cell) in cells.iter().enumerate().skip(1) {
            let mut last: Option<String> = None;
            for (index, word) in cell.split('`').enumerate().filter(|(i, _)| i % 2 == 1) {
                let before: String = cell.split('`').take(index).collect();
                let in_parentheses = before.matches('(').count() > before.matches(')').count();
                if in_parentheses {
                    if let Some(folder) = last.as_ref().filter(|_| is_source_file(word))
                        && !contains_file(&root.join(folder), word)
                    {
                        missing.push(format!("{word} (under {folder})"));
                    }
                    continue;
                }
                let full = if FULL_PATH_ROOTS.iter().any(|r| word.starts_with(r)) {
                    word.to_owned()
                } else if !column_prefix(column).is_empty() && (word.ends_with('/') || is_source_file(word)) {
                    format!("{}{word}", column_prefix(column))
                } else {
                    continue;
                };
                if !root.join(&full).exists() {
                    missing.push(full.clone());
                }
                last = Some(full);
            }
        }
    }
    missing
}

#[test]
fn every_path_in_the_capability_map_exists() {
    let missing = missing_capability_paths(ARCHITECTURE, &repository());
    assert!(missing.is_empty(), "paths named in ARCHITECTURE.md's capability map that do not exist: {missing:?}");
}

#[test]
fn a_moved_file_is_reported_by_the_capability_map_check() {
    let moved = ARCHITECTURE.replacen("`tokens.rs` | `tokens.rs`", "`tokens.rs` | `api_tokens.rs`", 1);
    assert_ne!(moved, ARCHITECTURE, "the map names the tokens routes");
    let before = missing_capability_paths(ARCHITECTURE, &repository());
    let after = missing_capability_paths(&moved, &repository());
    let new: Vec<_> = after.iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(new, vec!["shared/api/src/routes/api_tokens.rs"]);
}
