//! Every route the code serves is an explicit route of the SAM template, and the other way
//! round, so nothing is unreachable on AWS and nothing on AWS points at a missing handler.

use std::collections::BTreeSet;

const TEMPLATE: &str = include_str!("../../../template.yaml");

fn template_routes() -> BTreeSet<(String, String)> {
    let doc: serde_norway::Value = serde_norway::from_str(TEMPLATE).unwrap();
    let mut routes = BTreeSet::new();
    for (_, resource) in doc["Resources"].as_mapping().unwrap() {
        let Some(events) = resource.get("Properties").and_then(|p| p.get("Events")).and_then(|e| e.as_mapping()) else {
            continue;
        };
        for (_, event) in events {
            if event["Type"].as_str() == Some("HttpApi") {
                let properties = &event["Properties"];
                routes.insert((
                    properties["Method"].as_str().unwrap().to_uppercase(),
                    properties["Path"].as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    routes
}

fn code_routes() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(skyforge_api::openapi()).unwrap();
    let mut routes = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                routes.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    routes
}

#[test]
fn template_and_code_have_the_same_routes() {
    let (template, code) = (template_routes(), code_routes());
    let missing: Vec<_> = code.difference(&template).collect();
    let extra: Vec<_> = template.difference(&code).collect();
    assert!(missing.is_empty(), "routes served by the code but not in template.yaml: {missing:?}");
    assert!(extra.is_empty(), "routes in template.yaml that no code serves: {extra:?}");
}
