//! `nianbao serve`: the web app a county's 政务公开 office starts once for all its
//! units. Units fill in, check, preview and download their reports in a browser;
//! the office sees every unit's status, the findings and the region's sum. A front
//! end beside the command line, over the same library (nianbao-form,
//! nianbao-render, nianbao-import).
//!
//! - HTTP: axum on tokio; the pages are static files built into the binary
//!   ([`pages`]) that call the JSON API ([`api`]), described by OpenAPI at
//!   `/api/openapi.json`.
//! - Storage: SQLite in the data folder ([`store`]), WAL, `synchronous = FULL`.
//! - Access: Argon2id passwords, session cookies, CSRF tokens ([`auth`]).
//! - Typesetting on a fixed pool of workers ([`work`]).

pub mod api;
pub mod auth;
pub mod error;
pub mod pages;
pub mod report;
pub mod store;
pub mod work;

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use utoipa::OpenApi;

use nianbao_render::fonts::{FontOptions, FontSet};

use crate::error::ApiError;
use crate::store::Store;
use crate::work::{Pool, Workers};

/// How the server is started.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen (`127.0.0.1:8080` by default; port 0 takes a free port).
    pub addr: SocketAddr,
    /// The data folder (the database; created when missing).
    pub data: PathBuf,
    /// Fonts, as for `render`.
    pub fonts: FontOptions,
    /// Typesetting workers (the number of cores by default).
    pub workers: usize,
    /// How to start a process that reads an uploaded published file (PDF, DOCX,
    /// HTML) under limits (`nianbao read-worker`): a hostile upload then ends that
    /// worker, never the server. `None` reads in process.
    pub reader: Option<nianbao_files::isolate::Worker>,
}

/// What every request handler shares.
pub struct App {
    /// The database.
    pub store: Store,
    /// The typesetting workers.
    pub workers: Workers,
    /// Preview pages recently made.
    pub previews: Previews,
    /// The data folder.
    pub data: PathBuf,
    /// A hash checked when the login name is unknown, so the answer takes as long.
    pub dummy_hash: String,
    /// The threads that hash passwords ([`work`]).
    pub hashers: Pool<()>,
    /// Failed logins by name.
    pub throttle: Throttle,
    /// The threads that read uploads, check reports and run the audit: as many as
    /// cores, so that a burst of keystrokes or uploads queues instead of spawning a
    /// thread each.
    pub checkers: Pool<()>,
    /// How uploads of published files are read ([`Config::reader`]).
    pub reader: Option<nianbao_files::isolate::Worker>,
}

/// How many Argon2 hashes run at once ([`App::hashers`]): 19 MiB each.
pub const HASHES_AT_ONCE: usize = 2;

/// The pages of the last [`Previews::KEEP`] previews, by (report, version): a
/// version never changes, so its pages never go stale.
#[derive(Default)]
pub struct Previews {
    entries: Mutex<VecDeque<(VersionKey, PreviewPages)>>,
}

/// A version of a report: (report id, version number).
type VersionKey = (i64, i64);

/// The SVG documents of a version's pages.
pub type PreviewPages = Arc<Vec<String>>;

impl Previews {
    /// How many previews are kept.
    pub const KEEP: usize = 32;

    /// The pages of a version, if made recently.
    pub fn get(&self, report: i64, version: i64) -> Option<PreviewPages> {
        let entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries
            .iter()
            .find(|(k, _)| *k == (report, version))
            .map(|(_, v)| v.clone())
    }

    /// Keeps the pages of a version.
    pub fn put(&self, report: i64, version: i64, pages: PreviewPages) {
        let mut entries = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.retain(|(k, _)| *k != (report, version));
        entries.push_back(((report, version), pages));
        while entries.len() > Self::KEEP {
            entries.pop_front();
        }
    }
}

/// Failed logins by login name. After [`Throttle::FAILURES`] failures in a row, a name
/// is answered 429 until [`Throttle::PAUSE`] has passed since its last failure: a
/// password is then guessed at most once a minute, and the unit it belongs to is
/// never locked out for longer than that.
#[derive(Default)]
pub struct Throttle {
    failures: Mutex<std::collections::HashMap<String, (u32, std::time::Instant)>>,
}

impl Throttle {
    /// Failures in a row before the pause.
    pub const FAILURES: u32 = 5;
    /// The pause: 60 s.
    pub const PAUSE: std::time::Duration = std::time::Duration::from_secs(60);
    /// Names remembered at most (the oldest are forgotten past this).
    pub const NAMES: usize = 10_000;

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (u32, std::time::Instant)>>
    {
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// 429 while `user` is paused.
    ///
    /// # Errors
    /// [`ApiError`] 429, in Chinese.
    pub fn check(&self, user: &str) -> Result<(), ApiError> {
        match self.lock().get(user) {
            Some((n, last)) if *n >= Self::FAILURES && last.elapsed() < Self::PAUSE => {
                Err(ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    format!("连续输错密码 {} 次，请 1 分钟后再试", Self::FAILURES),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Counts a failure.
    pub fn failed(&self, user: &str) {
        let mut map = self.lock();
        if map.len() >= Self::NAMES && !map.contains_key(user) {
            map.retain(|_, (_, last)| last.elapsed() < Self::PAUSE);
            if map.len() >= Self::NAMES {
                return;
            }
        }
        let entry = map
            .entry(user.to_string())
            .or_insert((0, std::time::Instant::now()));
        entry.0 += 1;
        entry.1 = std::time::Instant::now();
    }

    /// Forgets the failures of a name that logged in.
    pub fn succeeded(&self, user: &str) {
        self.lock().remove(user);
    }
}

/// The Content-Security-Policy of the pages: only this server's own scripts,
/// styles and images; no inline script or style, no plug-ins, no framing by others.
pub const PAGE_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Opens the data folder, makes the office's account on first start and serves
/// until Ctrl-C. Prints `nianbao serve：http://ADDR/` once listening (tests read it).
///
/// # Errors
/// A message in Chinese when the data folder, the database, the fonts or the
/// address cannot be used.
pub fn run(config: Config) -> Result<(), String> {
    std::fs::create_dir_all(&config.data)
        .map_err(|e| format!("无法创建数据文件夹 {}：{e}", config.data.display()))?;
    private(&config.data, 0o700)?;
    let store = Store::open(&config.data)?;
    private(&config.data.join(store::DATABASE_FILE), 0o600)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("无法启动：{e}"))?;
    runtime.block_on(first_start(&store))?;
    let fonts: &'static FontSet = Box::leak(Box::new(
        FontSet::discover(&config.fonts).map_err(|e| e.to_string())?,
    ));
    let app = Arc::new(App {
        store,
        workers: Workers::typesetters(fonts, config.workers),
        previews: Previews::default(),
        data: config.data.clone(),
        dummy_hash: auth::hash_password(&auth::random_hex(16)).map_err(|e| e.message)?,
        hashers: Pool::start("nianbao-hash", HASHES_AT_ONCE, || ()),
        checkers: Pool::start("nianbao-check", config.workers, || ()),
        throttle: Throttle::default(),
        reader: config.reader.clone(),
    });
    let routes = router(app);
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(config.addr)
            .await
            .map_err(|e| format!("无法在 {} 上监听：{e}", config.addr))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        println!("nianbao serve：http://{addr}/");
        println!("数据文件夹：{}（按 Ctrl-C 停止）", config.data.display());
        use std::io::Write;
        let _ = std::io::stdout().flush();
        axum::serve(listener, routes)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .map_err(|e| format!("服务出错：{e}"))
    })
}

/// Makes the data folder (0700) and the database (0600) the server's account's
/// alone: they hold password hashes and sessions. Within a 0700 folder SQLite's
/// journal files are out of other users' reach too.
fn private(path: &std::path::Path, mode: u32) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|e| format!("无法设置 {} 的权限：{e}", path.display()))?;
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// Creates the office's account `office` when the database has none: with the
/// password in `NIANBAO_OFFICE_PASSWORD`, or a generated one printed this once.
async fn first_start(store: &Store) -> Result<(), String> {
    let exists = store
        .account_by_login("office")
        .await
        .map_err(|e| e.to_string())?
        .is_some();
    if exists {
        return Ok(());
    }
    let (password, generated) = match std::env::var("NIANBAO_OFFICE_PASSWORD") {
        Ok(p) if p.chars().count() >= auth::PASSWORD_MIN_CHARS => (p, false),
        Ok(_) => {
            return Err(format!(
                "NIANBAO_OFFICE_PASSWORD 至少要有 {} 个字符",
                auth::PASSWORD_MIN_CHARS
            ));
        }
        Err(_) => (auth::generated_password(), true),
    };
    let hash = auth::hash_password(&password).map_err(|e| e.message)?;
    store
        .create_account("office", "office", "政务公开办公室", "government", &hash)
        .await
        .map_err(|e| e.to_string())?;
    if generated {
        println!("已创建办公室账号：用户名 office，密码 {password}（只显示这一次，请妥善保存）");
    } else {
        println!("已创建办公室账号：用户名 office，密码取自 NIANBAO_OFFICE_PASSWORD");
    }
    Ok(())
}

/// Every route.
pub fn router(app: Arc<App>) -> Router {
    let json_limit = DefaultBodyLimit::max(api::MAX_JSON_BYTES);
    let api = Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/login", post(api::login))
        .route("/api/logout", post(api::logout))
        .route("/api/session", get(api::session_info))
        .route("/api/form/{edition}", get(api::form))
        .route("/api/file-kinds", get(api::file_kinds))
        .route("/api/outputs", get(api::outputs))
        .route("/api/units", get(api::units).post(api::create_unit))
        .route("/api/units/{user}/password", post(api::reset_password))
        .route("/api/reports", get(api::reports).post(api::start_report))
        .route(
            "/api/reports/upload",
            post(api::upload).layer(DefaultBodyLimit::max(api::MAX_UPLOAD_BYTES)),
        )
        .route("/api/reports/{id}", get(api::report_detail).put(api::save))
        .route("/api/reports/{id}/check", post(api::check_report))
        .route("/api/check", post(api::check_data))
        .route("/api/reports/{id}/versions", get(api::versions))
        .route(
            "/api/reports/{id}/versions/{number}",
            get(api::version_detail),
        )
        .route(
            "/api/reports/{id}/versions/{number}/restore",
            post(api::restore),
        )
        .route("/api/reports/{id}/download/{format}", get(api::download))
        .route("/api/reports/{id}/preview", get(api::preview))
        .route("/api/reports/{id}/preview.html", get(api::preview_html))
        .route(
            "/api/reports/{id}/preview/{version}/{page}",
            get(api::preview_page),
        )
        .route("/api/office/{year}/audit", get(api::office_audit))
        .route(
            "/api/office/{year}/findings.xlsx",
            get(api::office_findings),
        )
        .route("/api/office/{year}/sum", get(api::office_sum))
        .fallback(|| async { ApiError::not_found() })
        .layer(json_limit);
    Router::new()
        .merge(pages::routes())
        .merge(api)
        .layer(middleware::from_fn(same_origin))
        .layer(middleware::from_fn(security_headers))
        .with_state(app)
}

async fn openapi(State(_): State<Arc<App>>) -> Response {
    let doc = api::ApiDoc::openapi();
    (
        [(header::CONTENT_TYPE, "application/json")],
        doc.to_pretty_json().unwrap_or_default(),
    )
        .into_response()
}

/// Refuses a request that changes something when the browser says it comes from
/// another site (`Origin` not this host): a second guard beside the CSRF token and
/// the SameSite cookie.
async fn same_origin(request: Request, next: Next) -> Response {
    if !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|v| v.to_str().ok());
        if let Some(origin) = origin {
            let ok = host.is_some_and(|h| {
                origin == format!("http://{h}") || origin == format!("https://{h}")
            });
            if !ok {
                return ApiError::new(StatusCode::FORBIDDEN, "拒绝来自其他网站的请求")
                    .into_response();
            }
        }
    }
    next.run(request).await
}

/// The headers every answer carries: the page policy (unless the answer set its
/// own), no MIME sniffing, no referrer, no framing, no caching of API answers.
async fn security_headers(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(PAGE_POLICY),
        );
    }
    if !h.contains_key(header::X_FRAME_OPTIONS) {
        h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if api && !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
