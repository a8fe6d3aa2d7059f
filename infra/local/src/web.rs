//! Serves the built web app at the same origin as the API. Paths that are not files get
//! `index.html`, so the app's own routes survive a reload.

use std::path::Path;

use axum::Router;
use axum::response::Html;
use axum::routing::any;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(web_dir: &Path) -> Router {
    // unknown API paths stay problem+json, never the app's HTML
    let api_not_found =
        Router::new().route("/v1", any(skyforge_api::not_found)).route("/v1/{*rest}", any(skyforge_api::not_found));
    let index = web_dir.join("index.html");
    if index.is_file() {
        api_not_found.fallback_service(ServeDir::new(web_dir).fallback(ServeFile::new(index)))
    } else {
        tracing::warn!(dir = %web_dir.display(), "web app not built: `make web` builds it");
        api_not_found.fallback(|| async { Html(NOT_BUILT) })
    }
}

const NOT_BUILT: &str = "<!doctype html><title>Skyforge</title><p>The web app is not built yet: run <code>make web</code> (or <code>make up</code>). The API is at <a href=\"/v1/openapi.json\">/v1/openapi.json</a>.</p>";
