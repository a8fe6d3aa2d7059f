//! The statuses an operation answers because of its extractors and the platform, not because of
//! its handler: documented here once, from what each operation's annotation already says
//! (security, request body, parameters), so no route can forget them.
//!
//! | the operation has | it can answer |
//! |---|---|
//! | `security` (the [`Auth`](crate::extract::Auth) or [`OrgMember`](crate::extract::OrgMember) extractor) | 401 `unauthenticated`, `invalid_token`, `token_expired` |
//! | `security` and a method other than GET | 403 `insufficient_scope` (a read-only API token), 409 `concurrent_change` |
//! | a request body ([`ApiJson`](crate::extract::ApiJson)) | 400 `invalid_json`, 413 `payload_too_large`, 415 `unsupported_media_type`, 422 `validation_failed` |
//! | query parameters | 400 `invalid_query` |
//! | path parameters | 404 `not_found` (an outsider's organisation is a 404 too) |
//! | anything but the OpenAPI document | 503 `service_unavailable` (the store or a secret did not answer) |
//!
//! A status the handler's annotation already documents keeps its description (it is the more
//! specific one); the codes above are added to it.

use utoipa::openapi::path::{HttpMethod, Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{Content, OpenApi, Ref, RefOr};

use crate::error::PROBLEM_JSON;

/// Adds the extractor- and platform-level statuses to every operation of `doc`.
pub fn document(doc: &mut OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        let operations = [
            (HttpMethod::Get, &mut item.get),
            (HttpMethod::Post, &mut item.post),
            (HttpMethod::Put, &mut item.put),
            (HttpMethod::Patch, &mut item.patch),
            (HttpMethod::Delete, &mut item.delete),
        ];
        for (method, operation) in operations {
            if let Some(operation) = operation {
                document_operation(path, method, operation);
            }
        }
    }
}

fn document_operation(path: &str, method: HttpMethod, operation: &mut Operation) {
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let writes = !matches!(method, HttpMethod::Get);
    let has_body = operation.request_body.is_some();
    let parameters_in = |place: ParameterIn| {
        operation.parameters.iter().flatten().any(|p| match p {
            RefOr::T(p) => p.parameter_in == place,
            RefOr::Ref(_) => false,
        })
    };
    let (has_query, has_path) = (parameters_in(ParameterIn::Query), parameters_in(ParameterIn::Path));
    let mut answers: Vec<(&str, &str)> = Vec::new();
    if secured {
        answers.push(("401", "unauthenticated, invalid_token or token_expired: no valid bearer token"));
        if writes {
            answers.push(("403", "insufficient_scope: a read-only API token cannot write"));
            answers.push(("409", "concurrent_change: the object changed while the request ran; retry it"));
        }
    }
    if has_body {
        answers.push(("400", "invalid_json: the body is not JSON"));
        answers.push(("413", "payload_too_large: the body is over 1 MiB"));
        answers.push(("415", "unsupported_media_type: the body is not sent as application/json"));
        answers.push(("422", "validation_failed: a field is missing, unknown, of the wrong type or invalid"));
    }
    if has_query {
        answers.push(("400", "invalid_query: a query parameter is invalid"));
    }
    if has_path {
        answers.push(("404", "not_found: no such object, or not the caller's"));
    }
    if path != "/v1/openapi.json" {
        answers.push(("503", "service_unavailable: a backing service did not answer; retry shortly"));
    }
    let responses = &mut operation.responses.responses;
    for (status, description) in answers {
        match responses.get_mut(status) {
            Some(RefOr::T(existing)) => {
                let code = description.split(':').next().unwrap_or(description);
                if !existing.description.contains(code) {
                    existing.description = format!("{}; {description}", existing.description);
                }
            }
            Some(RefOr::Ref(_)) => {}
            None => {
                let content = Content::new(Some(Ref::from_schema_name("Problem")));
                let response = ResponseBuilder::new().description(description).content(PROBLEM_JSON, content).build();
                responses.insert(status.to_owned(), RefOr::T(response));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use utoipa::openapi::path::ParameterIn;
    use utoipa::openapi::{OpenApi, RefOr};

    fn operations(doc: &OpenApi) -> Vec<(String, &'static str, &utoipa::openapi::path::Operation)> {
        let mut all = Vec::new();
        for (path, item) in &doc.paths.paths {
            for (method, op) in [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("PATCH", &item.patch),
                ("DELETE", &item.delete),
            ] {
                if let Some(op) = op {
                    all.push((path.clone(), method, op));
                }
            }
        }
        all
    }

    /// Walks the served document: every operation says what it answers on success, and every
    /// failure its extractors can produce is documented as problem+json.
    #[test]
    fn every_operation_documents_each_status_its_extractors_answer() {
        let doc = crate::openapi();
        let mut missing = Vec::new();
        for (path, method, op) in operations(&doc) {
            let statuses: Vec<&str> = op.responses.responses.keys().map(String::as_str).collect();
            let has = |s: &str| statuses.contains(&s);
            let name = format!("{method} {path}");
            if !statuses.iter().any(|s| s.starts_with('2')) {
                missing.push(format!("{name}: no 2xx"));
            }
            let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let params = |place: ParameterIn| {
                op.parameters.iter().flatten().any(|p| matches!(p, RefOr::T(p) if p.parameter_in == place))
            };
            let mut expected = Vec::new();
            if secured {
                expected.push("401");
                if method != "GET" {
                    expected.extend(["403", "409"]);
                }
            }
            if op.request_body.is_some() {
                expected.extend(["400", "413", "415", "422"]);
            }
            if params(ParameterIn::Query) {
                expected.push("400");
            }
            if params(ParameterIn::Path) || path.contains("{org}") {
                expected.push("404");
            }
            if path != "/v1/openapi.json" {
                expected.push("503");
            }
            for status in expected {
                if !has(status) {
                    missing.push(format!("{name}: {status}"));
                }
            }
            for (status, response) in &op.responses.responses {
                if status.starts_with('4') || (status.starts_with('5') && path != "/v1/health") {
                    let RefOr::T(response) = response else { continue };
                    if !response.content.contains_key(crate::error::PROBLEM_JSON) {
                        missing.push(format!("{name}: {status} is not problem+json"));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "undocumented answers:\n{}", missing.join("\n"));
    }

    #[test]
    fn every_authenticated_operation_documents_401_and_login_documents_429() {
        let doc = crate::openapi();
        for (path, method, op) in operations(&doc) {
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                assert!(op.responses.responses.contains_key("401"), "{method} {path} lacks 401");
            }
        }
        let login = doc.paths.paths["/v1/auth/login"].post.as_ref().unwrap();
        assert!(login.responses.responses.contains_key("429"));
    }

    /// The wire's enums are enums in the contract, with the words serde writes.
    #[test]
    fn wire_enums_are_enums_in_the_document() {
        let json: serde_json::Value = serde_json::from_str(&crate::openapi().to_json().unwrap()).unwrap();
        let schemas = &json["components"]["schemas"];
        let words = |name: &str| -> Vec<String> {
            schemas[name]["enum"]
                .as_array()
                .unwrap_or_else(|| panic!("{name} is not an enum: {}", schemas[name]))
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(words("Provider"), ["aws", "azure", "gcp"]);
        assert_eq!(words("Role"), ["owner", "admin", "operator", "viewer"]);
        assert_eq!(words("TokenScope"), ["read", "write"]);
        assert!(words("RunStatus").contains(&"awaiting_approval".to_owned()));
        assert!(words("ResourceState").contains(&"in_use".to_owned()));
        assert!(words("Action").contains(&"member.add".to_owned()));
        for name in [
            "RunKind",
            "Phase",
            "ResourceType",
            "SyncStatus",
            "SyncTrigger",
            "ChangeKind",
            "Outcome",
            "GroupBy",
            "Rule",
            "CredentialMethod",
        ] {
            assert!(!words(name).is_empty(), "{name}");
        }
        // a field that carries one of them refers to it rather than saying `string`
        assert_eq!(schemas["ResourceView"]["properties"]["provider"]["$ref"], "#/components/schemas/Provider");
        assert_eq!(schemas["RunView"]["properties"]["status"]["$ref"], "#/components/schemas/RunStatus");
        assert_eq!(schemas["AddMemberRequest"]["properties"]["role"]["$ref"], "#/components/schemas/Role");
    }

    /// `as_str` (used for storage keys and filters) and serde (the wire) name each value alike,
    /// so the document's words are the ones the API writes.
    #[test]
    fn as_str_and_the_wire_agree() {
        use skyforge_domain::deployments::{Phase, RunStatus};
        use skyforge_domain::inventory::{ResourceState, ResourceType};
        use skyforge_domain::provider::Provider;
        let wire = |v: serde_json::Value| v.as_str().unwrap().to_owned();
        for p in Provider::ALL {
            assert_eq!(wire(serde_json::to_value(p).unwrap()), p.as_str());
        }
        for s in RunStatus::ALL {
            assert_eq!(wire(serde_json::to_value(s).unwrap()), s.as_str());
        }
        for k in [
            ResourceType::Vm,
            ResourceType::Disk,
            ResourceType::Network,
            ResourceType::Subnet,
            ResourceType::PublicIp,
            ResourceType::Bucket,
        ] {
            assert_eq!(wire(serde_json::to_value(k).unwrap()), k.as_str());
        }
        for s in [ResourceState::InUse, ResourceState::Terminated, ResourceState::Unknown] {
            assert_eq!(wire(serde_json::to_value(s).unwrap()), s.as_str());
        }
        for p in [Phase::Plan, Phase::Apply] {
            assert_eq!(wire(serde_json::to_value(p).unwrap()), p.as_str());
        }
    }
}
