//! A double of Google's OAuth 2.0 token endpoint (the signed JWT grant, checked against the
//! service account's public key) and of the Compute Engine API, serving the JSON shapes its
//! REST reference documents: aggregated lists of instances, disks, subnetworks and addresses,
//! the global list of networks, and `projects.get`; paged with `pageToken`. Its BigQuery serves
//! the Cloud Billing export: `jobs.query` of the daily cost by service the cost adapter asks,
//! and `jobs.getQueryResults` for an unfinished job and for every further page.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::costs::{DailyCost, window};

#[derive(Debug, Clone)]
pub struct GcpInstance {
    pub name: String,
    pub zone: String,
    pub machine_type: String,
    /// `RUNNING`, `TERMINATED`, `STAGING`, ...
    pub status: String,
    pub internal_ip: String,
    pub external_ip: Option<String>,
    pub boot_disk_gb: u32,
    pub labels: BTreeMap<String, String>,
    /// Network tags (`tags.items`): what firewall rules target.
    pub network_tags: Vec<String>,
}

/// A VPC firewall rule (ingress, allow) as the Compute API documents it.
#[derive(Debug, Clone)]
pub struct GcpFirewall {
    pub name: String,
    pub network: String,
    /// (IPProtocol, ports): `("tcp", ["22"])`, `("all", [])`
    pub allowed: Vec<(String, Vec<String>)>,
    pub source_ranges: Vec<String>,
    /// Empty: every instance of the network.
    pub target_tags: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct GcpNetwork {
    pub name: String,
    /// (name, region, CIDR range)
    pub subnets: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct GcpProject {
    pub id: String,
    pub instances: Vec<GcpInstance>,
    /// Disks attached to nothing: (name, zone, size in GiB).
    pub unattached_disks: Vec<(String, String, u32)>,
    /// Reserved external addresses in use by nothing: (name, region, address).
    pub reserved_addresses: Vec<(String, String, String)>,
    pub networks: Vec<GcpNetwork>,
    pub firewalls: Vec<GcpFirewall>,
    /// The project's rows in the billing export, summed per day and service.
    pub costs: Vec<DailyCost>,
}

#[derive(Debug, Clone)]
pub struct GcpWorld {
    pub client_email: String,
    /// The service account's public key (PEM): grants signed by anything else are refused.
    pub public_key_pem: String,
    pub projects: Vec<GcpProject>,
    /// Projects that exist but the service account may not read (403).
    pub forbidden: BTreeSet<String>,
    pub page_size: usize,
    /// The next this many Compute requests answer 429 with `Retry-After: 1`.
    pub throttle_next: u32,
    /// The aggregated instance list answers a body that is not JSON.
    pub malformed_instance_list: bool,
    /// The Cloud Billing export table (`project.dataset.table`) BigQuery holds, if any: the
    /// costs of every project of the world. Jobs run in the table's project.
    pub billing_export: Option<String>,
    /// Rows per page of a query result (the request's `maxResults` may ask for fewer).
    pub bigquery_page_size: usize,
    /// How many answers about a query job say `jobComplete: false` before it is done.
    pub job_polls: u32,
    jobs: BTreeMap<String, QueryJob>,
}

/// A query job and its result rows (`{"f": [{"v": ...}]}` each).
#[derive(Debug, Clone)]
struct QueryJob {
    project: String,
    rows: Vec<Value>,
    polls_left: u32,
}

impl GcpWorld {
    pub fn new(client_email: &str, public_key_pem: &str) -> Self {
        Self {
            client_email: client_email.into(),
            public_key_pem: public_key_pem.into(),
            projects: Vec::new(),
            forbidden: BTreeSet::new(),
            page_size: 2,
            throttle_next: 0,
            malformed_instance_list: false,
            billing_export: None,
            bigquery_page_size: 100,
            job_polls: 0,
            jobs: BTreeMap::new(),
        }
    }

    pub fn instance_mut(&mut self, name: &str) -> Option<&mut GcpInstance> {
        self.projects.iter_mut().flat_map(|p| p.instances.iter_mut()).find(|i| i.name == name)
    }
}

pub struct GcpDouble {
    server: MockServer,
    world: Arc<Mutex<GcpWorld>>,
}

impl GcpDouble {
    pub async fn start(world: GcpWorld) -> Self {
        let server = MockServer::builder().start().await;
        let world = Arc::new(Mutex::new(world));
        let shared = world.clone();
        Mock::given(any())
            .respond_with(move |request: &Request| {
                let mut world = shared.lock().expect("gcp world poisoned");
                answer(&mut world, request)
            })
            .mount(&server)
            .await;
        Self { server, world }
    }

    /// The base URL of the Compute Engine API.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// The token endpoint (what a key's `token_uri` names).
    pub fn token_uri(&self) -> String {
        format!("{}/token", self.server.uri())
    }

    pub fn update(&self, change: impl FnOnce(&mut GcpWorld)) {
        change(&mut self.world.lock().expect("gcp world poisoned"));
    }
}

fn google_error(status: u16, state: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({
        "error": { "code": status, "message": message, "status": state,
                   "errors": [ { "message": message, "domain": "global", "reason": state.to_lowercase() } ] }
    }))
}

const TOKEN: &str = "Bearer gcp-token";

fn answer(world: &mut GcpWorld, request: &Request) -> ResponseTemplate {
    let path = request.url.path().to_owned();
    if request.method.as_str() == "POST" && path == "/token" {
        return token(world, request);
    }
    if request.headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(TOKEN) {
        return google_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    }
    if world.throttle_next > 0 {
        world.throttle_next -= 1;
        return google_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Queries'.")
            .insert_header("Retry-After", "1");
    }
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (request.method.as_str(), segments.as_slice()) {
        ("POST", ["bigquery", "v2", "projects", project, "queries"]) => return query(world, project, request),
        ("GET", ["bigquery", "v2", "projects", project, "queries", job]) => {
            return query_results(world, project, job, request);
        }
        _ => {}
    }
    let ["compute", "v1", "projects", project, rest @ ..] = segments.as_slice() else {
        return google_error(404, "NOT_FOUND", "No route.");
    };
    let Some(found) = world.projects.iter().find(|p| p.id == *project) else {
        return google_error(404, "NOT_FOUND", &format!("The resource 'projects/{project}' was not found"));
    };
    if world.forbidden.contains(*project) {
        return google_error(
            403,
            "PERMISSION_DENIED",
            &format!("Required 'compute.instances.list' permission for 'projects/{project}'"),
        );
    }
    let link = |tail: &str| format!("https://www.googleapis.com/compute/v1/projects/{project}/{tail}");
    match rest {
        [] => ResponseTemplate::new(200)
            .set_body_json(json!({ "kind": "compute#project", "name": project, "id": "1234567890" })),
        ["aggregated", "instances"] if world.malformed_instance_list => {
            ResponseTemplate::new(200).set_body_string("{\"items\": {\"zones/")
        }
        ["aggregated", "instances"] => {
            let items =
                found.instances.iter().map(|i| (format!("zones/{}", i.zone), instance_json(&link, i))).collect();
            aggregated(world.page_size, request, "instances", items)
        }
        ["aggregated", "disks"] => {
            let boot = found.instances.iter().map(|i| {
                let disk = json!({
                    "id": format!("{}", 7000 + i.name.len()),
                    "name": i.name,
                    "zone": link(&format!("zones/{}", i.zone)),
                    "sizeGb": i.boot_disk_gb.to_string(),
                    "status": "READY",
                    "type": link(&format!("zones/{}/diskTypes/pd-balanced", i.zone)),
                    "users": [ link(&format!("zones/{}/instances/{}", i.zone, i.name)) ],
                    "labels": i.labels,
                    "selfLink": link(&format!("zones/{}/disks/{}", i.zone, i.name)),
                    "creationTimestamp": "2026-01-20T09:00:00.000-08:00",
                });
                (format!("zones/{}", i.zone), disk)
            });
            let spare = found.unattached_disks.iter().map(|(name, zone, gb)| {
                let disk = json!({
                    "id": format!("{}", 8000 + name.len()),
                    "name": name,
                    "zone": link(&format!("zones/{zone}")),
                    "sizeGb": gb.to_string(),
                    "status": "READY",
                    "type": link(&format!("zones/{zone}/diskTypes/pd-standard")),
                    "diskEncryptionKey": { "kmsKeyName": format!("projects/{}/locations/global/keyRings/disks/cryptoKeys/data", found.id) },
                    "selfLink": link(&format!("zones/{zone}/disks/{name}")),
                    "creationTimestamp": "2026-02-02T09:00:00.000-08:00",
                });
                (format!("zones/{zone}"), disk)
            });
            aggregated(world.page_size, request, "disks", boot.chain(spare).collect())
        }
        ["aggregated", "subnetworks"] => {
            let items = found
                .networks
                .iter()
                .flat_map(|n| n.subnets.iter().map(move |s| (n, s)))
                .map(|(network, (name, region, cidr))| {
                    let subnet = json!({
                        "id": format!("{}", 9000 + name.len()),
                        "name": name,
                        "region": link(&format!("regions/{region}")),
                        "network": link(&format!("global/networks/{}", network.name)),
                        "ipCidrRange": cidr,
                        "selfLink": link(&format!("regions/{region}/subnetworks/{name}")),
                        "creationTimestamp": "2026-01-01T00:00:00.000-08:00",
                    });
                    (format!("regions/{region}"), subnet)
                })
                .collect();
            aggregated(world.page_size, request, "subnetworks", items)
        }
        ["aggregated", "addresses"] => {
            let in_use = found.instances.iter().filter_map(|i| {
                let ip = i.external_ip.as_ref()?;
                let region = i.zone.rsplit_once('-').map_or(i.zone.as_str(), |(r, _)| r);
                let address = json!({
                    "id": format!("{}", 6000 + i.name.len()),
                    "name": format!("{}-ip", i.name),
                    "address": ip,
                    "addressType": "EXTERNAL",
                    "status": "IN_USE",
                    "region": link(&format!("regions/{region}")),
                    "users": [ link(&format!("zones/{}/instances/{}", i.zone, i.name)) ],
                    "selfLink": link(&format!("regions/{region}/addresses/{}-ip", i.name)),
                });
                Some((format!("regions/{region}"), address))
            });
            let reserved = found.reserved_addresses.iter().map(|(name, region, ip)| {
                let address = json!({
                    "id": format!("{}", 5000 + name.len()),
                    "name": name,
                    "address": ip,
                    "addressType": "EXTERNAL",
                    "status": "RESERVED",
                    "region": link(&format!("regions/{region}")),
                    "selfLink": link(&format!("regions/{region}/addresses/{name}")),
                });
                (format!("regions/{region}"), address)
            });
            aggregated(world.page_size, request, "addresses", in_use.chain(reserved).collect())
        }
        ["global", "firewalls"] => {
            let items: Vec<Value> = found
                .firewalls
                .iter()
                .map(|f| {
                    let allowed: Vec<Value> = f
                        .allowed
                        .iter()
                        .map(|(protocol, ports)| json!({ "IPProtocol": protocol, "ports": ports }))
                        .collect();
                    json!({
                        "id": format!("{}", 3000 + f.name.len()),
                        "name": f.name,
                        "network": link(&format!("global/networks/{}", f.network)),
                        "direction": "INGRESS",
                        "priority": 1000,
                        "allowed": allowed,
                        "sourceRanges": f.source_ranges,
                        "targetTags": f.target_tags,
                        "disabled": false,
                        "selfLink": link(&format!("global/firewalls/{}", f.name)),
                        "creationTimestamp": "2026-01-01T00:00:00.000-08:00",
                    })
                })
                .collect();
            let (slice, next) = slice(world.page_size, request, items);
            page_body(json!(slice), next)
        }
        ["global", "networks"] => {
            let items: Vec<Value> = found
                .networks
                .iter()
                .map(|n| {
                    json!({
                        "id": format!("{}", 4000 + n.name.len()),
                        "name": n.name,
                        "autoCreateSubnetworks": false,
                        "subnetworks": n.subnets.iter().map(|(s, r, _)| link(&format!("regions/{r}/subnetworks/{s}"))).collect::<Vec<_>>(),
                        "selfLink": link(&format!("global/networks/{}", n.name)),
                        "creationTimestamp": "2026-01-01T00:00:00.000-08:00",
                    })
                })
                .collect();
            let (slice, next) = slice(world.page_size, request, items);
            page_body(json!(slice), next)
        }
        _ => google_error(404, "NOT_FOUND", "No route."),
    }
}

fn instance_json(link: &dyn Fn(&str) -> String, i: &GcpInstance) -> Value {
    let mut interface = json!({
        "name": "nic0",
        "networkIP": i.internal_ip,
        "network": link("global/networks/default"),
    });
    if let Some(ip) = &i.external_ip {
        interface["accessConfigs"] = json!([{ "type": "ONE_TO_ONE_NAT", "name": "External NAT", "natIP": ip }]);
    }
    json!({
        "id": format!("{}", 1000 + i.name.len()),
        "name": i.name,
        "zone": link(&format!("zones/{}", i.zone)),
        "machineType": link(&format!("zones/{}/machineTypes/{}", i.zone, i.machine_type)),
        "status": i.status,
        "labels": i.labels,
        "networkInterfaces": [interface],
        "tags": { "items": i.network_tags },
        "disks": [ { "boot": true, "source": link(&format!("zones/{}/disks/{}", i.zone, i.name)) } ],
        "selfLink": link(&format!("zones/{}/instances/{}", i.zone, i.name)),
        "creationTimestamp": "2026-01-20T09:00:00.000-08:00",
    })
}

/// The page of `items` the request's `pageToken` asks for, and the next token.
fn slice<T: Clone>(size: usize, request: &Request, items: Vec<T>) -> (Vec<T>, Option<String>) {
    let skip: usize =
        request.url.query_pairs().find(|(k, _)| k == "pageToken").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let (page, next) = window(&items, skip, size);
    (page, next.map(|n| n.to_string()))
}

fn page_body(items: Value, next: Option<String>) -> ResponseTemplate {
    let mut body = json!({ "items": items });
    if let Some(next) = next {
        body["nextPageToken"] = json!(next);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// An aggregated list page: items grouped by scope (`zones/x`, `regions/y`).
fn aggregated(size: usize, request: &Request, field: &str, items: Vec<(String, Value)>) -> ResponseTemplate {
    let (page, next) = slice(size, request, items);
    let mut scopes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (scope, item) in page {
        scopes.entry(scope).or_default().push(item);
    }
    let mut grouped = serde_json::Map::new();
    for (scope, list) in scopes {
        grouped.insert(scope, json!({ field: list }));
    }
    // scopes with nothing carry a warning instead, as the API does
    grouped.insert(
        "zones/antarctica-south1-a".into(),
        json!({ "warning": { "code": "NO_RESULTS_ON_PAGE", "message": "There are no results for scope 'zones/antarctica-south1-a' on this page." } }),
    );
    page_body(Value::Object(grouped), next)
}

fn token(world: &GcpWorld, request: &Request) -> ResponseTemplate {
    let form: BTreeMap<String, String> = url::form_urlencoded::parse(&request.body).into_owned().collect();
    let refuse = |description: &str| {
        ResponseTemplate::new(400).set_body_json(json!({ "error": "invalid_grant", "error_description": description }))
    };
    if form.get("grant_type").map(String::as_str) != Some("urn:ietf:params:oauth:grant-type:jwt-bearer") {
        return ResponseTemplate::new(400).set_body_json(json!({ "error": "unsupported_grant_type" }));
    }
    let Some(assertion) = form.get("assertion") else {
        return refuse("Missing assertion.");
    };
    let Ok(key) = DecodingKey::from_rsa_pem(world.public_key_pem.as_bytes()) else {
        return refuse("Invalid JWT Signature.");
    };
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_aud = false;
    validation.set_required_spec_claims(&["exp", "iss"]);
    match jsonwebtoken::decode::<Value>(assertion, &key, &validation) {
        Ok(data) if data.claims["iss"] == world.client_email.as_str() => ResponseTemplate::new(200)
            .set_body_json(json!({ "access_token": "gcp-token", "expires_in": 3599, "token_type": "Bearer" })),
        Ok(_) => refuse("Invalid email or User ID"),
        Err(_) => refuse("Invalid JWT Signature."),
    }
}

/// The named-parameter query the cost adapter sends over the billing export: these parts must
/// all be there for the double to answer it (the shape of its result is fixed).
const BILLING_QUERY_PARTS: [&str; 6] = [
    "AS day",
    "service.description AS service",
    "AS project",
    "AS cost",
    "BETWEEN @from AND @to",
    "GROUP BY day, service, project, currency",
];

fn bigquery_error(status: u16, reason: &str, message: &str) -> ResponseTemplate {
    let state = match status {
        400 => "INVALID_ARGUMENT",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        _ => "UNKNOWN",
    };
    ResponseTemplate::new(status).set_body_json(json!({
        "error": { "code": status, "message": message, "status": state,
                   "errors": [ { "message": message, "domain": "global", "reason": reason } ] }
    }))
}

/// `jobs.query`: runs the billing query over the export table, as a job in the table's project.
fn query(world: &mut GcpWorld, project: &str, request: &Request) -> ResponseTemplate {
    let Ok(body) = serde_json::from_slice::<Value>(&request.body) else {
        return bigquery_error(400, "invalid", "The request body is not JSON.");
    };
    let sql = body["query"].as_str().unwrap_or_default();
    if body["useLegacySql"] != json!(false) {
        return bigquery_error(400, "invalidQuery", "Query parameters cannot be used in legacy SQL queries.");
    }
    let Some(table) = sql.split_once("FROM `").and_then(|(_, rest)| rest.split_once('`')).map(|(t, _)| t) else {
        return bigquery_error(400, "invalidQuery", "Syntax error: expected a table in backquotes after FROM.");
    };
    if world.billing_export.as_deref() != Some(table) {
        return bigquery_error(404, "notFound", &format!("Not found: Table {table} was not found in location US"));
    }
    if table.split('.').next() != Some(project) || world.forbidden.contains(project) {
        return bigquery_error(
            403,
            "accessDenied",
            &format!(
                "Access Denied: Project {project}: User does not have bigquery.jobs.create permission in project {project}."
            ),
        );
    }
    if let Some(missing) = BILLING_QUERY_PARTS.iter().find(|part| !sql.contains(*part)) {
        return bigquery_error(
            400,
            "invalidQuery",
            &format!("this double answers the daily cost by service of the billing export only (no `{missing}`)"),
        );
    }
    if body["parameterMode"] != "NAMED" {
        return bigquery_error(400, "invalidQuery", "Query parameter 'from' not found: use parameterMode NAMED.");
    }
    let parameter = |name: &str| {
        body["queryParameters"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["name"] == name && p["parameterType"]["type"] == "DATE"))
            .and_then(|p| p["parameterValue"]["value"].as_str())
            .and_then(|v| v.parse::<chrono::NaiveDate>().ok())
    };
    let (Some(from), Some(to)) = (parameter("from"), parameter("to")) else {
        return bigquery_error(400, "invalidQuery", "Query parameters @from and @to are DATE values.");
    };
    let mut costs: Vec<(&str, &DailyCost)> = world
        .projects
        .iter()
        .flat_map(|p| p.costs.iter().map(move |c| (p.id.as_str(), c)))
        .filter(|(_, c)| (from..=to).contains(&c.day))
        .collect();
    costs.sort_by(|a, b| (a.1.day, &a.1.service, a.0).cmp(&(b.1.day, &b.1.service, b.0)));
    let rows = costs
        .into_iter()
        .map(|(project, c)| {
            json!({ "f": [{ "v": c.day.to_string() }, { "v": c.service }, { "v": project }, { "v": c.currency }, { "v": c.amount }] })
        })
        .collect();
    let id = format!("job_{}", world.jobs.len() + 1);
    world.jobs.insert(id.clone(), QueryJob { project: project.to_owned(), rows, polls_left: world.job_polls });
    let max_results = body["maxResults"].as_u64().map(|m| m as usize);
    job_answer(world, &id, 0, max_results, "bigquery#queryResponse")
}

/// `jobs.getQueryResults`: the job's state, or a page of its rows.
fn query_results(world: &mut GcpWorld, project: &str, job: &str, request: &Request) -> ResponseTemplate {
    let param = |name: &str| request.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned());
    let known = world.jobs.get(job).is_some_and(|j| j.project == project);
    if !known || param("location").is_some_and(|l| l != "US") {
        return bigquery_error(404, "notFound", &format!("Not found: Job {project}:US.{job}"));
    }
    let skip = param("pageToken").and_then(|t| t.strip_prefix("page-").and_then(|n| n.parse().ok())).unwrap_or(0);
    let max_results = param("maxResults").and_then(|m| m.parse().ok());
    job_answer(world, job, skip, max_results, "bigquery#getQueryResultsResponse")
}

/// A job's answer: not complete while it has polls left, else the page from `skip`.
fn job_answer(world: &mut GcpWorld, id: &str, skip: usize, max_results: Option<usize>, kind: &str) -> ResponseTemplate {
    let page_size = max_results.unwrap_or(usize::MAX).min(world.bigquery_page_size);
    let job = world.jobs.get_mut(id).expect("a job that was just found");
    let reference = json!({ "projectId": job.project, "jobId": id, "location": "US" });
    if job.polls_left > 0 {
        job.polls_left -= 1;
        return ResponseTemplate::new(200)
            .set_body_json(json!({ "kind": kind, "jobReference": reference, "jobComplete": false }));
    }
    let (page, next) = window(&job.rows, skip, page_size);
    let schema: Vec<Value> = ["day", "service", "project", "currency", "cost"]
        .iter()
        .map(|name| json!({ "name": name, "type": "STRING", "mode": "NULLABLE" }))
        .collect();
    let mut body = json!({
        "kind": kind,
        "jobReference": reference,
        "jobComplete": true,
        "schema": { "fields": schema },
        "totalRows": job.rows.len().to_string(),
        "totalBytesProcessed": "1048576",
        "cacheHit": false,
    });
    // a result without rows leaves `rows` out, as BigQuery does
    if !page.is_empty() {
        body["rows"] = json!(page);
    }
    if let Some(next) = next {
        body["pageToken"] = json!(format!("page-{next}"));
    }
    ResponseTemplate::new(200).set_body_json(body)
}
