//! The pages: one HTML shell, its script and its stylesheet, built into the
//! binary. The script draws every view (login, a unit's reports and editor, the
//! office's roster) from the API's JSON, inserting user text only as text nodes.

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::App;

const INDEX: &str = include_str!("../static/index.html");
/// The script's native ES modules (no build step), by the path they are served at.
const MODULES: [(&str, &str); 5] = [
    ("/app.js", include_str!("../static/app.js")),
    ("/api.js", include_str!("../static/api.js")),
    ("/dom.js", include_str!("../static/dom.js")),
    ("/formdata.js", include_str!("../static/formdata.js")),
    ("/state.js", include_str!("../static/state.js")),
];
const STYLE: &str = include_str!("../static/app.css");

/// `/`, the script's modules (`/app.js` and those it imports), `/app.css`.
pub fn routes() -> Router<Arc<App>> {
    let mut router = Router::new()
        .route(
            "/",
            get(|| async { ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX) }),
        )
        .route(
            "/app.css",
            get(|| async { ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE) }),
        );
    for (path, script) in MODULES {
        router = router.route(
            path,
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
                    script,
                )
                    .into_response()
            }),
        );
    }
    router
}
