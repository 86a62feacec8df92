//! The JSON API under `/api/`, which the pages themselves use. Every handler is
//! described for the OpenAPI document ([`ApiDoc`], served at `/api/openapi.json`)
//! by its `#[utoipa::path]`, so the document is made from the code.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use nianbao_form::audit::{self, RosterEntry};
use nianbao_form::load;
use nianbao_form::model::{OrganKind, Report};
use nianbao_form::tree::Format;
use nianbao_form::write;
use nianbao_render::export::pdf::Standard;
use nianbao_render::output::Output;
use nianbao_render::pipeline::{self, Refusal};

use crate::App;
use crate::auth::{self, Session};
use crate::error::{ApiError, ErrorBody};
use crate::report::{self, CheckResult, Finding, FormLayout, Upload};
use crate::store::{self, NewVersion, ReportRow};

/// The largest upload: 32 MiB (a published PDF with its images; the readers'
/// own limits then apply to what is inside).
pub const MAX_UPLOAD_BYTES: usize = 32 * 1024 * 1024;

/// The largest JSON request: 4 MiB (a report's data file may be 2 MiB, written
/// as JSON with escapes).
pub const MAX_JSON_BYTES: usize = 4 * 1024 * 1024;

/// The OpenAPI 3.1 document of the API.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "nianbao",
        description = "政府信息公开工作年度报告：填报、核对、生成与汇总的接口。先 POST /api/login 取得会话（Cookie）和 CSRF 令牌；除 GET 外的每个请求都要在 X-CSRF-Token 头中带上令牌。"
    ),
    paths(
        login, logout, session_info, form, units, create_unit, reset_password,
        reports, start_report, upload, report_detail, save, check_report, check_data,
        versions, version_detail, restore, download, preview, preview_page, preview_html,
        office_audit, office_findings, office_sum
    ),
    tags((name = "nianbao"))
)]
pub struct ApiDoc;

/// `axum::Json` whose refusals are [`ApiError`]s (JSON bodies, as documented).
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(ApiError::new(
                e.status(),
                format!("请求内容不是所需的 JSON：{}", e.body_text()),
            )),
        }
    }
}

/// `axum::extract::Path` whose refusals are 404s.
pub struct PathArgs<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for PathArgs<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| PathArgs(p.0))
            .map_err(|_| ApiError::not_found())
    }
}

/// `axum::extract::Query` whose refusals are [`ApiError`]s.
pub struct QueryArgs<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryArgs<T> {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| QueryArgs(q.0))
            .map_err(|e| ApiError::bad_request(format!("查询参数有误：{}", e.body_text())))
    }
}

// ---------------------------------------------------------------- sessions

/// Login name and password.
#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    /// The login name (`office` for the 政务公开 office).
    pub user: String,
    /// The password.
    pub password: String,
}

/// Who is logged in, and the CSRF token to send with every change.
#[derive(Serialize, ToSchema)]
pub struct SessionInfo {
    /// The login name.
    pub user: String,
    /// `office` or `unit`.
    pub role: String,
    /// The organ's full name.
    pub organ: String,
    /// Send as the `X-CSRF-Token` header of every request other than GET.
    pub csrf: String,
}

fn info_of(account: &store::Account, csrf: &str) -> SessionInfo {
    SessionInfo {
        user: account.login.clone(),
        role: account.role.clone(),
        organ: account.organ.clone(),
        csrf: csrf.to_string(),
    }
}

/// Starts a session: sets the `nianbao_session` cookie.
#[utoipa::path(post, path = "/api/login", request_body = LoginRequest, responses(
    (status = 200, body = SessionInfo, description = "登录成功"),
    (status = 429, body = ErrorBody, description = "连续输错密码，请稍后再试"),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody, description = "用户名或密码不对"), (status = 403, body = ErrorBody, description = "来自其他网站"), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody, description = "服务器正忙"),
    (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn login(
    State(app): State<Arc<App>>,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Response, ApiError> {
    if req.user.len() > 200 || req.password.len() > 1000 {
        return Err(ApiError::new(StatusCode::UNAUTHORIZED, "用户名或密码不对"));
    }
    // Login names are kept in lowercase (a phone capitalises the first letter).
    let user = req.user.trim().to_ascii_lowercase();
    app.throttle.check(&user)?;
    let throttled = user.clone();
    let found = app
        .store
        .call(move |conn| Ok(store::account_by_login(conn, &user)?))
        .await?;
    // The hash is checked even for an unknown user, so timing does not tell.
    let stored = found
        .as_ref()
        .map(|(_, h)| h.clone())
        .unwrap_or_else(|| app.dummy_hash.clone());
    let password = req.password;
    let ok = app
        .hashers
        .run(move |()| auth::verify_password(&password, &stored))
        .await?;
    let (account, _) = match found {
        Some(found) if ok => found,
        _ => {
            app.throttle.failed(&throttled);
            return Err(ApiError::new(StatusCode::UNAUTHORIZED, "用户名或密码不对"));
        }
    };
    app.throttle.succeeded(&throttled);
    let token = auth::random_hex(32);
    let csrf = auth::random_hex(32);
    let (t, c, id) = (token.clone(), csrf.clone(), account.id);
    app.store
        .call(move |conn| {
            Ok(store::create_session(
                conn,
                &t,
                id,
                &c,
                store::now() + auth::SESSION_SECONDS,
            )?)
        })
        .await?;
    let mut response = axum::Json(info_of(&account, &csrf)).into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::session_cookie(&token)).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// Ends the session.
#[utoipa::path(post, path = "/api/logout", responses(
    (status = 204, description = "已退出"), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn logout(State(app): State<Arc<App>>, s: Session) -> Result<Response, ApiError> {
    let token = s.token.clone();
    app.store
        .call(move |conn| Ok(store::end_session(conn, &token)?))
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&auth::cleared_cookie()).map_err(ApiError::internal)?,
    );
    Ok(response)
}

/// The session's account and CSRF token.
#[utoipa::path(get, path = "/api/session", responses(
    (status = 200, body = SessionInfo), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn session_info(s: Session) -> axum::Json<SessionInfo> {
    axum::Json(info_of(&s.account, &s.csrf))
}

// ---------------------------------------------------------------- the form

/// The official form's three tables, cell by cell (merged labels, rows and
/// columns), for the editor.
#[utoipa::path(get, path = "/api/form/{edition}", params(("edition" = String, Path, description = "2019 或 2021")),
    responses((status = 200, body = FormLayout), (status = 404, body = ErrorBody)))]
pub async fn form(PathArgs(edition): PathArgs<String>) -> Result<axum::Json<FormLayout>, ApiError> {
    let edition = nianbao_form::model::Edition::parse(&edition).ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(report::form_layout(edition)))
}

// ---------------------------------------------------------------- units

/// One unit's account.
#[derive(Serialize, ToSchema)]
pub struct UnitInfo {
    /// The login name.
    pub user: String,
    /// The organ's full name.
    pub organ: String,
    /// `department` (部门: 31 January) or `government` (人民政府: 31 March).
    pub kind: String,
}

/// A new unit.
#[derive(Deserialize, ToSchema)]
pub struct NewUnit {
    /// The login name: letters, digits, `-`, `_`, `.` (2–64); kept in lowercase.
    pub user: String,
    /// The organ's full name (机关名称).
    pub organ: String,
    /// `department` (default) or `government`.
    pub kind: Option<String>,
    /// The password (at least 8 characters); generated when left out.
    pub password: Option<String>,
}

/// A unit created, with its password (shown this once).
#[derive(Serialize, ToSchema)]
pub struct UnitCreated {
    /// The login name.
    pub user: String,
    /// The organ's full name.
    pub organ: String,
    /// `department` or `government`.
    pub kind: String,
    /// The password to give the unit.
    pub password: String,
}

/// The units (office only).
#[utoipa::path(get, path = "/api/units", responses(
    (status = 200, body = [UnitInfo]), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn units(
    State(app): State<Arc<App>>,
    s: Session,
) -> Result<axum::Json<Vec<UnitInfo>>, ApiError> {
    s.office()?;
    let units = app.store.call(|conn| Ok(store::units(conn)?)).await?;
    Ok(axum::Json(
        units
            .into_iter()
            .map(|a| UnitInfo {
                user: a.login,
                organ: a.organ,
                kind: a.kind,
            })
            .collect(),
    ))
}

fn valid_login(user: &str) -> bool {
    (2..=64).contains(&user.len())
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn valid_organ(organ: &str) -> Result<String, ApiError> {
    let organ = organ.trim();
    if organ.is_empty() || organ.chars().count() > 100 || organ.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "机关名称不能为空，不超过 100 个字，不含控制字符",
        ));
    }
    Ok(organ.to_string())
}

/// The password given (checked) or a generated one, with its hash (made by the
/// hashing threads: Argon2 takes tens of milliseconds and 19 MiB).
async fn password_and_hash(app: &App, given: Option<String>) -> Result<(String, String), ApiError> {
    let password = match given {
        Some(p) => {
            valid_password(&p)?;
            p
        }
        None => auth::generated_password(),
    };
    let p = password.clone();
    let hash = app.hashers.run(move |()| auth::hash_password(&p)).await??;
    Ok((password, hash))
}

fn valid_password(password: &str) -> Result<(), ApiError> {
    if password.chars().count() < auth::PASSWORD_MIN_CHARS || password.len() > 1000 {
        return Err(ApiError::bad_request(format!(
            "密码至少 {} 个字符",
            auth::PASSWORD_MIN_CHARS
        )));
    }
    Ok(())
}

/// Creates a unit's account (office only).
#[utoipa::path(post, path = "/api/units", request_body = NewUnit, responses(
    (status = 201, body = UnitCreated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 409, body = ErrorBody, description = "用户名或机关名称已被使用"),
    (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_unit(
    State(app): State<Arc<App>>,
    s: Session,
    JsonBody(req): JsonBody<NewUnit>,
) -> Result<(StatusCode, axum::Json<UnitCreated>), ApiError> {
    s.office()?;
    let req = NewUnit {
        user: req.user.trim().to_ascii_lowercase(),
        ..req
    };
    if !valid_login(&req.user) {
        return Err(ApiError::bad_request(
            "用户名为 2–64 个英文字母、数字或 - _ . 字符",
        ));
    }
    let organ = valid_organ(&req.organ)?;
    let kind = match req.kind.as_deref().map(OrganKind::parse) {
        None => OrganKind::Department,
        Some(Some(k)) => k,
        Some(None) => {
            return Err(ApiError::bad_request(
                "机关类型为 department（部门）或 government（人民政府）",
            ));
        }
    };
    let (password, hash) = password_and_hash(&app, req.password).await?;
    let (user, o) = (req.user.clone(), organ.clone());
    let created = app
        .store
        .call(move |conn| {
            // Two units of one organ would be one unit to the audit (it goes by name).
            let same = store::units(conn)?
                .into_iter()
                .any(|u| audit::normalized(&u.organ) == audit::normalized(&o));
            if same {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!("已有机关名称为“{o}”的单位"),
                ));
            }
            Ok(store::create_account(
                conn,
                &user,
                "unit",
                &o,
                kind.as_str(),
                &hash,
            )?)
        })
        .await?;
    if created.is_none() {
        return Err(ApiError::new(StatusCode::CONFLICT, "这个用户名已被使用"));
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(UnitCreated {
            user: req.user,
            organ,
            kind: kind.as_str().into(),
            password,
        }),
    ))
}

/// A new password for a unit.
#[derive(Deserialize, ToSchema)]
pub struct NewPassword {
    /// At least 8 characters; generated when left out.
    pub password: Option<String>,
}

/// Gives a unit a new password and ends its sessions (office only).
#[utoipa::path(post, path = "/api/units/{user}/password", request_body = NewPassword,
    params(("user" = String, Path, description = "单位的用户名")), responses(
    (status = 200, body = UnitCreated), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn reset_password(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(user): PathArgs<String>,
    JsonBody(req): JsonBody<NewPassword>,
) -> Result<axum::Json<UnitCreated>, ApiError> {
    s.office()?;
    let user = user.to_ascii_lowercase();
    let (password, hash) = password_and_hash(&app, req.password).await?;
    let account = app
        .store
        .call(move |conn| {
            let Some((account, _)) = store::account_by_login(conn, &user)? else {
                return Ok(None);
            };
            if account.is_office() {
                return Ok(None);
            }
            store::set_password(conn, account.id, &hash)?;
            Ok(Some(account))
        })
        .await?
        .ok_or_else(ApiError::not_found)?;
    Ok(axum::Json(UnitCreated {
        user: account.login,
        organ: account.organ,
        kind: account.kind,
        password,
    }))
}

// ---------------------------------------------------------------- reports

/// A report and its latest version.
#[derive(Serialize, ToSchema)]
pub struct ReportSummary {
    /// The report's id.
    pub id: i64,
    /// The unit's login name.
    pub unit: String,
    /// The unit's organ.
    pub organ: String,
    /// The reporting year.
    pub year: i64,
    /// The latest version's number.
    pub version: i64,
    /// When it was saved (seconds since 1970, UTC).
    pub saved: i64,
    /// Who saved it.
    pub saved_by: String,
    /// How it came (新建, 填写, 上传：…, 恢复第 n 版).
    pub source: String,
    /// Errors when saved.
    pub errors: i64,
    /// Warnings when saved.
    pub warnings: i64,
    /// 通过, 有警告 or 有错误.
    pub status: String,
}

fn summary(r: &ReportRow) -> ReportSummary {
    ReportSummary {
        id: r.id,
        unit: r.account.login.clone(),
        organ: r.account.organ.clone(),
        year: r.year,
        version: r.latest.number,
        saved: r.latest.saved,
        saved_by: r.latest.saved_by.clone(),
        source: r.latest.source.clone(),
        errors: r.latest.errors,
        warnings: r.latest.warnings,
        status: audit::Status::of_counts(r.latest.errors as usize, r.latest.warnings as usize)
            .chinese()
            .into(),
    }
}

/// The reports this account may see: a unit's own, or every unit's for the office.
#[utoipa::path(get, path = "/api/reports", params(YearQuery), responses(
    (status = 200, body = [ReportSummary]), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody)))]
pub async fn reports(
    State(app): State<Arc<App>>,
    s: Session,
    QueryArgs(q): QueryArgs<YearQuery>,
) -> Result<axum::Json<Vec<ReportSummary>>, ApiError> {
    let account = (!s.account.is_office()).then_some(s.account.id);
    let rows = app
        .store
        .call(move |conn| Ok(store::reports(conn, account, q.year)?))
        .await?;
    Ok(axum::Json(rows.iter().map(summary).collect()))
}

/// A year, for filtering.
#[derive(Deserialize, IntoParams)]
pub struct YearQuery {
    /// The reporting year.
    pub year: Option<i64>,
}

/// A report to start.
#[derive(Deserialize, ToSchema)]
pub struct NewReport {
    /// The reporting year; the form's edition follows from it.
    pub year: i64,
}

/// Starts this unit's report for a year: placeholder prose, every number 0 but those
/// carried over from last year's report (上年结转, 现行有效件数).
#[utoipa::path(post, path = "/api/reports", request_body = NewReport, responses(
    (status = 201, body = ReportSummary), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 409, body = ErrorBody, description = "这一年度的报告已经有了"),
    (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn start_report(
    State(app): State<Arc<App>>,
    s: Session,
    JsonBody(req): JsonBody<NewReport>,
) -> Result<(StatusCode, axum::Json<ReportSummary>), ApiError> {
    unit_only(&s)?;
    let mut data = parse_data(&report::starting_json(&s.account.organ, req.year)?);
    // Last year's report of the unit, when there is one, gives the figures carried over.
    let last = last_years_data(&app, s.account.id, req.year).await?;
    if let Some(last) = &last {
        report::carry_over(&mut data, &parse_data(last));
    }
    let text = data_text(&mut data, &s.account)?;
    let checked = check_against(&app, text.clone(), last).await?;
    let row = save_version(&app, &s, req.year, Some(0), text, "新建".into(), &checked)
        .await
        .map_err(|e| {
            if e.status == StatusCode::CONFLICT {
                ApiError::new(
                    StatusCode::CONFLICT,
                    format!("{} 年度的报告已经有了", req.year),
                )
            } else {
                e
            }
        })?;
    Ok((StatusCode::CREATED, axum::Json(summary(&row))))
}

fn unit_only(s: &Session) -> Result<(), ApiError> {
    if s.account.is_office() {
        Err(ApiError::forbidden("报告由各单位填报；办公室只能查看"))
    } else {
        Ok(())
    }
}

/// Saves a version and answers with the report's summary.
async fn save_version(
    app: &App,
    s: &Session,
    year: i64,
    base: Option<i64>,
    data: String,
    source: String,
    result: &CheckResult,
) -> Result<ReportRow, ApiError> {
    let account = s.account.id;
    let (errors, warnings) = (result.errors as i64, result.warnings as i64);
    app.store
        .call(move |conn| {
            let saved = store::save(
                conn,
                account,
                year,
                base,
                &NewVersion {
                    data: &data,
                    saved_by: account,
                    source: &source,
                    errors,
                    warnings,
                },
            )?;
            match saved {
                Ok((id, _)) => store::report(conn, id)?.ok_or_else(ApiError::not_found),
                Err(latest) => Err(ApiError::new(
                    StatusCode::CONFLICT,
                    format!("报告已被另存为第 {latest} 版（可能在另一个窗口）；请重新打开后再保存"),
                )),
            }
        })
        .await
}

/// Upload options.
#[derive(Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name (only its extension is used, to tell its kind).
    pub name: Option<String>,
    /// The year the report must be of.
    pub year: Option<i64>,
    /// Import a published report even when rows of the form were not found
    /// (they are then 0 and must be filled in).
    pub partial: Option<bool>,
}

/// What an upload gave.
#[derive(Serialize, ToSchema)]
pub struct UploadResult {
    /// The report now.
    pub report: ReportSummary,
    /// The check of what was read (with the places in the uploaded file).
    pub check: CheckResult,
    /// What was changed on the way in (the organ's name), in Chinese.
    pub notes: Vec<String>,
}

/// Uploads a report file as a new version of this unit's report for its year: the
/// fill-in workbook, a YAML/JSON/TOML data file, or a published DOCX/HTML/PDF.
#[utoipa::path(post, path = "/api/reports/upload", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "文件内容（至多 32 MiB）"),
    responses((status = 201, body = UploadResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn upload(
    State(app): State<Arc<App>>,
    s: Session,
    QueryArgs(q): QueryArgs<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, axum::Json<UploadResult>), ApiError> {
    unit_only(&s)?;
    let too_big = || {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("文件超过 {} MiB 的上限", MAX_UPLOAD_BYTES / 1024 / 1024),
        )
    };
    // Refused before a byte of the body is read when the length is declared.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_UPLOAD_BYTES as u64) {
        return Err(too_big());
    }
    let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| too_big())?
        .to_vec();
    if bytes.is_empty() {
        return Err(ApiError::bad_request("文件是空的"));
    }
    let name: String = q.name.unwrap_or_default().chars().take(200).collect();
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let kind = Upload::of(&name, &bytes);
    let partial = q.partial.unwrap_or(false);
    let checked = app
        .checkers
        .run(move |()| report::read_upload_checked(kind, bytes, partial))
        .await??;
    let Some(mut report) = checked.report else {
        let first: Vec<String> = checked
            .result
            .diagnostics
            .iter()
            .filter(|d| d.severity == "error")
            .take(5)
            .map(|d| d.message.clone())
            .collect();
        return Err(ApiError::unprocessable(format!(
            "无法从文件中读出报告：{}",
            first.join("；")
        )));
    };
    if let Some(year) = q.year
        && year != report.year
    {
        return Err(ApiError::unprocessable(format!(
            "文件是 {} 年度的报告，不是 {year} 年度的",
            report.year
        )));
    }
    report::edition_for(report.year)?;
    // A unit reports as itself: the organ in the file gives way to the account's.
    let mut notes = Vec::new();
    if report.organ != s.account.organ {
        notes.push(format!(
            "文件中的机关名称“{}”已改为本单位账号的“{}”",
            report.organ, s.account.organ
        ));
        report.organ = s.account.organ.clone();
    }
    let data = write::to_string(&report, Format::Json);
    let source = if name.is_empty() {
        "上传".to_string()
    } else {
        format!("上传：{name}")
    };
    // The stored data is checked again as stored, with last year's report (the
    // version's counts are those the editor shows).
    let last = last_years_data(&app, s.account.id, report.year).await?;
    let stored = check_against(&app, data.clone(), last).await?;
    let row = save_version(&app, &s, report.year, None, data, source, &stored).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(UploadResult {
            report: summary(&row),
            check: checked.result,
            notes,
        }),
    ))
}

/// A report with its data and check.
#[derive(Serialize, ToSchema)]
pub struct ReportDetail {
    /// The report.
    pub report: ReportSummary,
    /// The version shown.
    pub version: i64,
    /// The report's data (nianbao's data format, docs/schema).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// Its check, with last year's report when there is one.
    pub check: CheckResult,
}

/// The report `id` if this session may see it (a unit: its own; the office: any).
async fn visible(app: &App, s: &Session, id: i64) -> Result<ReportRow, ApiError> {
    let row = app
        .store
        .call(move |conn| Ok(store::report(conn, id)?))
        .await?
        .ok_or_else(ApiError::not_found)?;
    if !s.account.is_office() && row.account.id != s.account.id {
        // Another unit's report: not told it exists.
        return Err(ApiError::not_found());
    }
    Ok(row)
}

/// The report the unit may change.
async fn editable(app: &App, s: &Session, id: i64) -> Result<ReportRow, ApiError> {
    unit_only(s)?;
    visible(app, s, id).await
}

/// The latest data of the report of `account` for the year before `year`.
async fn last_years_data(app: &App, account: i64, year: i64) -> Result<Option<String>, ApiError> {
    let year = year - 1;
    app.store
        .call(move |conn| {
            Ok(store::reports(conn, Some(account), Some(year))?
                .pop()
                .map(|r| r.latest.data))
        })
        .await
}

/// Checks a report's data with last year's data (`last`), both read on the checking
/// threads.
async fn check_against(
    app: &App,
    data: String,
    last: Option<String>,
) -> Result<CheckResult, ApiError> {
    app.checkers
        .run(move |()| {
            let previous = last.and_then(|d| load::read_str(&d, Format::Json).report);
            report::check_json(&data, previous.as_ref()).result
        })
        .await
}

/// Checks data of the report `row` with the unit's report of the year before.
async fn checked(app: &App, row: &ReportRow, data: String) -> Result<CheckResult, ApiError> {
    let last = last_years_data(app, row.account.id, row.year).await?;
    check_against(app, data, last).await
}

fn parse_data(data: &str) -> serde_json::Value {
    serde_json::from_str(data).unwrap_or(serde_json::Value::Null)
}

/// A report: its latest version's data and check.
#[utoipa::path(get, path = "/api/reports/{id}", params(("id" = i64, Path, description = "报告编号")),
    responses((status = 200, body = ReportDetail), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn report_detail(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
) -> Result<axum::Json<ReportDetail>, ApiError> {
    let row = visible(&app, &s, id).await?;
    let check = checked(&app, &row, row.latest.data.clone()).await?;
    Ok(axum::Json(ReportDetail {
        report: summary(&row),
        version: row.latest.number,
        data: parse_data(&row.latest.data),
        check,
    }))
}

/// The editor's data to save or check.
#[derive(Deserialize, ToSchema)]
pub struct SaveRequest {
    /// The report's data (nianbao's data format), as typed: a value that does not
    /// pass the check is kept, and reported.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
    /// The version the editor started from; the save is refused (409) when another
    /// was saved since.
    pub base_version: Option<i64>,
}

/// Data to check.
#[derive(Deserialize, ToSchema)]
pub struct CheckRequest {
    /// The report's data.
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

/// The report data as stored: compact JSON of at most a data file's size
/// (`limits::MAX_TEXT_FILE_BYTES`, 2 MiB), with the organ and kind (`meta.kind`) of the
/// account (a unit reports as itself: the office's roster and audit go by this name).
fn data_text(data: &mut serde_json::Value, account: &store::Account) -> Result<String, ApiError> {
    let Some(map) = data.as_object_mut() else {
        return Err(ApiError::unprocessable(
            "data 应是一份报告数据（JSON 对象）",
        ));
    };
    map.insert(
        "organ".into(),
        serde_json::Value::String(account.organ.clone()),
    );
    // The deadline is the account's kind's (部门 31 January, 人民政府 31 March), as the
    // office's audit has it, so the clerk sees the `late` warning the office sees.
    if let Some(meta) = map
        .entry("meta")
        .or_insert_with(|| serde_json::Value::Object(Default::default()))
        .as_object_mut()
    {
        meta.insert(
            "kind".into(),
            serde_json::Value::String(account.kind.clone()),
        );
    }
    let text = serde_json::to_string(data).map_err(ApiError::internal)?;
    let limit = nianbao_form::limits::MAX_TEXT_FILE_BYTES;
    if text.len() as u64 > limit {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("报告数据超过 {} MiB 的上限", limit / 1024 / 1024),
        ));
    }
    Ok(text)
}

/// Saves the editor's data as a new version.
#[utoipa::path(put, path = "/api/reports/{id}", params(("id" = i64, Path, description = "报告编号")),
    request_body = SaveRequest, responses((status = 200, body = ReportDetail), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn save(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
    JsonBody(req): JsonBody<SaveRequest>,
) -> Result<axum::Json<ReportDetail>, ApiError> {
    let row = editable(&app, &s, id).await?;
    let mut data = req.data;
    let text = data_text(&mut data, &row.account)?;
    let check = checked(&app, &row, text.clone()).await?;
    // The year stays the report's: a year typed differently is reported by the check
    // and saved as typed, in this report.
    let saved = save_version(
        &app,
        &s,
        row.year,
        req.base_version,
        text,
        "填写".into(),
        &check,
    )
    .await?;
    Ok(axum::Json(ReportDetail {
        report: summary(&saved),
        version: saved.latest.number,
        data,
        check,
    }))
}

/// Checks the editor's data against the rules without saving (with last year's
/// report of the unit).
#[utoipa::path(post, path = "/api/reports/{id}/check", params(("id" = i64, Path, description = "报告编号")),
    request_body = CheckRequest, responses((status = 200, body = CheckResult), (status = 400, body = ErrorBody),
    (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn check_report(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
    JsonBody(req): JsonBody<CheckRequest>,
) -> Result<axum::Json<CheckResult>, ApiError> {
    let row = visible(&app, &s, id).await?;
    let mut data = req.data;
    let text = data_text(&mut data, &row.account)?;
    Ok(axum::Json(checked(&app, &row, text).await?))
}

/// Checks any report data (no last year's report).
#[utoipa::path(post, path = "/api/check", request_body = CheckRequest, responses(
    (status = 200, body = CheckResult), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn check_data(
    State(app): State<Arc<App>>,
    s: Session,
    JsonBody(req): JsonBody<CheckRequest>,
) -> Result<axum::Json<CheckResult>, ApiError> {
    let mut data = req.data;
    let text = data_text(&mut data, &s.account)?;
    let result = app
        .checkers
        .run(move |()| report::check_json(&text, None).result)
        .await?;
    Ok(axum::Json(result))
}

/// One version, without its data.
#[derive(Serialize, ToSchema)]
pub struct VersionInfo {
    /// 1, 2, …
    pub number: i64,
    /// When (seconds since 1970, UTC).
    pub saved: i64,
    /// Who.
    pub saved_by: String,
    /// How it came.
    pub source: String,
    /// Errors when saved.
    pub errors: i64,
    /// Warnings when saved.
    pub warnings: i64,
}

/// Every version of a report, newest first.
#[utoipa::path(get, path = "/api/reports/{id}/versions", params(("id" = i64, Path, description = "报告编号")),
    responses((status = 200, body = [VersionInfo]), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn versions(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
) -> Result<axum::Json<Vec<VersionInfo>>, ApiError> {
    visible(&app, &s, id).await?;
    let list = app
        .store
        .call(move |conn| Ok(store::versions(conn, id)?))
        .await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|v| VersionInfo {
                number: v.number,
                saved: v.saved,
                saved_by: v.saved_by,
                source: v.source,
                errors: v.errors,
                warnings: v.warnings,
            })
            .collect(),
    ))
}

async fn version_data(app: &App, id: i64, number: i64) -> Result<String, ApiError> {
    app.store
        .call(move |conn| Ok(store::version(conn, id, number)?))
        .await?
        .map(|v| v.data)
        .ok_or_else(ApiError::not_found)
}

/// One version of a report: its data and check.
#[utoipa::path(get, path = "/api/reports/{id}/versions/{number}", params(("id" = i64, Path, description = "报告编号"),
    ("number" = i64, Path, description = "版本号")),
    responses((status = 200, body = ReportDetail), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn version_detail(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs((id, number)): PathArgs<(i64, i64)>,
) -> Result<axum::Json<ReportDetail>, ApiError> {
    let row = visible(&app, &s, id).await?;
    let data = version_data(&app, id, number).await?;
    let check = checked(&app, &row, data.clone()).await?;
    Ok(axum::Json(ReportDetail {
        report: summary(&row),
        version: number,
        data: parse_data(&data),
        check,
    }))
}

/// Restores an earlier version: it is saved again as the newest.
#[utoipa::path(post, path = "/api/reports/{id}/versions/{number}/restore", params(("id" = i64, Path, description = "报告编号"),
    ("number" = i64, Path, description = "版本号")),
    responses((status = 200, body = ReportDetail), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub async fn restore(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs((id, number)): PathArgs<(i64, i64)>,
) -> Result<axum::Json<ReportDetail>, ApiError> {
    let row = editable(&app, &s, id).await?;
    let data = version_data(&app, id, number).await?;
    let check = checked(&app, &row, data.clone()).await?;
    let saved = save_version(
        &app,
        &s,
        row.year,
        None,
        data.clone(),
        format!("恢复第 {number} 版"),
        &check,
    )
    .await?;
    Ok(axum::Json(ReportDetail {
        report: summary(&saved),
        version: saved.latest.number,
        data: parse_data(&data),
        check,
    }))
}

// ---------------------------------------------------------------- downloads

/// Which version.
#[derive(Deserialize, IntoParams)]
pub struct VersionQuery {
    /// The version number; the latest when left out.
    pub version: Option<i64>,
}

/// `name` as an RFC 5987 `filename*` value (UTF-8, percent-encoded), with an ASCII
/// fallback `filename`.
fn attachment(fallback: &str, name: &str) -> HeaderValue {
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    HeaderValue::from_str(&format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("attachment"))
}

fn file_response(content_type: &'static str, disposition: HeaderValue, bytes: Vec<u8>) -> Response {
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CONTENT_DISPOSITION, disposition);
    response
}

fn refused(refusal: Refusal, diagnostics: &[nianbao_form::diag::Diagnostic]) -> ApiError {
    match refusal {
        Refusal::Errors(n) => {
            let first: Vec<String> = diagnostics
                .iter()
                .filter(|d| d.is_error())
                .take(3)
                .map(|d| d.message.clone())
                .collect();
            ApiError::unprocessable(format!(
                "报告数据有 {n} 个错误，改正后才能生成：{}",
                first.join("；")
            ))
        }
        // A report the typesetter refuses (an unknown name in {{…}}, say) is the data's
        // fault: the message says what.
        Refusal::Render(e) => ApiError::unprocessable(format!("无法排版：{e}")),
        other => ApiError::unprocessable(other.to_string()),
    }
}

/// Downloads a report: `pdf`, `docx`, `html` (the portal edition), `json` (the
/// published data with every 总计), `xlsx` (the fill-in workbook) or `yaml`. The
/// PDF, DOCX and HTML are made only from data without errors.
#[utoipa::path(get, path = "/api/reports/{id}/download/{format}", params(("id" = i64, Path, description = "报告编号"),
    ("format" = String, Path, description = "pdf、docx、html、json、xlsx 或 yaml"), VersionQuery),
    responses((status = 200, description = "文件", content(
        (Vec<u8> = "application/pdf"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (String = "text/html"), (Object = "application/json"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (String = "application/yaml"))),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn download(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs((id, format)): PathArgs<(i64, String)>,
    QueryArgs(q): QueryArgs<VersionQuery>,
) -> Result<Response, ApiError> {
    let row = visible(&app, &s, id).await?;
    let number = q.version.unwrap_or(row.latest.number);
    let data = version_data(&app, id, number).await?;
    let stem = format!(
        "{}{}年政府信息公开工作年度报告",
        row.account.organ, row.year
    );
    let ascii = format!("report-{}", row.year);
    let name = |ext: &str| attachment(&format!("{ascii}.{ext}"), &format!("{stem}.{ext}"));
    let output = match format.as_str() {
        "pdf" => Output::Pdf,
        "docx" => Output::Docx,
        "html" => Output::Html,
        "json" | "xlsx" | "yaml" => {
            let checked = app
                .checkers
                .run(move |()| {
                    nianbao_form::check::check(load::read_str(&data, Format::Json), None)
                })
                .await?
                .map_err(|_| ApiError::unprocessable("报告数据无法读出，不能导出"))?;
            let bytes = data_file(&format, &checked.report, &checked.totals)?;
            return Ok(file_response(
                content_type_of(&format),
                name(&format),
                bytes,
            ));
        }
        _ => return Err(ApiError::not_found()),
    };
    let bytes = render_one(&app, data, output, false).await?;
    let content_type = match output {
        Output::Pdf => "application/pdf",
        Output::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ => "text/html; charset=utf-8",
    };
    Ok(file_response(content_type, name(output.extension()), bytes))
}

/// Renders one output of a report's data on a typesetting worker (PDF/A-2b, as
/// `render` by default); with `force`, also when the data has errors.
async fn render_one(
    app: &App,
    data: String,
    output: Output,
    force: bool,
) -> Result<Vec<u8>, ApiError> {
    let rendered = app
        .workers
        .run(move |renderer| {
            renderer.render(
                load::read_str(&data, Format::Json),
                &pipeline::Options {
                    outputs: vec![output],
                    standard: Standard::A2b,
                    force,
                },
            )
        })
        .await?
        .map_err(|r| refused(r.refusal, &r.diagnostics))?;
    rendered
        .files
        .into_iter()
        .next()
        .map(|(_, b)| b)
        .ok_or_else(|| ApiError::internal("没有生成文件"))
}

/// A preview's pages.
#[derive(Serialize, ToSchema)]
pub struct PreviewInfo {
    /// The version previewed.
    pub version: i64,
    /// The address of each page's image (SVG), in order.
    pub pages: Vec<String>,
    /// The address of the HTML edition.
    pub html: String,
}

/// Typesets a version (the latest by default) and gives the addresses of its page
/// images: the same pages as the PDF. A report with errors is previewed too.
#[utoipa::path(get, path = "/api/reports/{id}/preview", params(("id" = i64, Path, description = "报告编号"), VersionQuery),
    responses((status = 200, body = PreviewInfo), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
    QueryArgs(q): QueryArgs<VersionQuery>,
) -> Result<axum::Json<PreviewInfo>, ApiError> {
    let row = visible(&app, &s, id).await?;
    let number = q.version.unwrap_or(row.latest.number);
    let pages = preview_pages(&app, id, number).await?;
    Ok(axum::Json(PreviewInfo {
        version: number,
        pages: (1..=pages.len())
            .map(|p| format!("/api/reports/{id}/preview/{number}/{p}"))
            .collect(),
        html: format!("/api/reports/{id}/preview.html?version={number}"),
    }))
}

async fn preview_pages(app: &App, id: i64, number: i64) -> Result<Arc<Vec<String>>, ApiError> {
    if let Some(pages) = app.previews.get(id, number) {
        return Ok(pages);
    }
    let data = version_data(app, id, number).await?;
    let preview = app
        .workers
        .run(move |renderer| renderer.preview(load::read_str(&data, Format::Json)))
        .await?
        .map_err(|r| refused(r.refusal, &r.diagnostics))?;
    let pages = Arc::new(preview.pages);
    app.previews.put(id, number, pages.clone());
    Ok(pages)
}

/// One page of a preview, as an SVG image.
#[utoipa::path(get, path = "/api/reports/{id}/preview/{version}/{page}", params(("id" = i64, Path, description = "报告编号"),
    ("version" = i64, Path, description = "版本号"), ("page" = usize, Path, description = "页码，从 1 起")),
    responses((status = 200, description = "SVG", content_type = "image/svg+xml", body = String),
    (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn preview_page(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs((id, number, page)): PathArgs<(i64, i64, usize)>,
) -> Result<Response, ApiError> {
    visible(&app, &s, id).await?;
    let pages = preview_pages(&app, id, number).await?;
    let svg = page
        .checked_sub(1)
        .and_then(|p| pages.get(p))
        .ok_or_else(ApiError::not_found)?
        .clone();
    let mut response = svg.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("image/svg+xml"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=3600"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox",
        ),
    );
    Ok(response)
}

/// The HTML edition of a version (the portal page), for the preview frame: shown
/// with errors too; no script runs in it.
#[utoipa::path(get, path = "/api/reports/{id}/preview.html", params(("id" = i64, Path, description = "报告编号"), VersionQuery),
    responses((status = 200, description = "HTML", content_type = "text/html", body = String),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 422, body = ErrorBody)))]
pub async fn preview_html(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(id): PathArgs<i64>,
    QueryArgs(q): QueryArgs<VersionQuery>,
) -> Result<Response, ApiError> {
    let row = visible(&app, &s, id).await?;
    let number = q.version.unwrap_or(row.latest.number);
    let data = version_data(&app, id, number).await?;
    // Shown with errors too: the preview is how a clerk sees them.
    let html = render_one(&app, data, Output::Html, true).await?;
    let mut response = html.into_response();
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; frame-ancestors 'self'; sandbox",
        ),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    Ok(response)
}

// ---------------------------------------------------------------- the office

/// One unit in the office's view of a year.
#[derive(Serialize, ToSchema)]
pub struct AuditUnit {
    /// The unit's login name (empty for a report of no unit).
    pub unit: String,
    /// The organ.
    pub organ: String,
    /// 通过, 有警告, 有错误, 未提交, 无法读取 or 名单外.
    pub status: String,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Published after its deadline (by `meta.published`).
    pub late: bool,
    /// The report's id, when there is one.
    pub report: Option<i64>,
}

/// A finding of the audit.
#[derive(Serialize, ToSchema)]
pub struct AuditFinding {
    /// The organ.
    pub organ: String,
    /// The diagnostic.
    #[serde(flatten)]
    pub finding: Finding,
}

/// The region's year, as `nianbao audit` gives it, live.
#[derive(Serialize, ToSchema)]
pub struct OfficeAudit {
    /// The year.
    pub year: i64,
    /// Units by status.
    pub counts: BTreeMap<String, usize>,
    /// Every unit of the roster, and every report.
    pub units: Vec<AuditUnit>,
    /// Every problem found.
    pub findings: Vec<AuditFinding>,
}

/// Runs the audit of `nianbao audit` over the latest version of every unit's report
/// for `year`, with last year's and the units as the roster. The reports are
/// written to a private temporary folder under names the server makes
/// The region's year as the audit gives it, with the reports and the units it read.
struct RegionAudit {
    /// Statuses and findings; each unit's `file` is its login.
    audit: audit::Audit,
    /// The latest version of each report of the year.
    rows: Vec<ReportRow>,
    /// Every unit (the roster).
    units: Vec<store::Account>,
}

/// Runs the audit of `nianbao audit` over the latest version of every unit's report
/// for `year`, with last year's and the units as the roster. The audit reads files:
/// the reports are written to a private temporary folder under names the server
/// makes from account ids (`unit-<id>.json`; no user text is a path), and the files
/// are then named by the units' logins, without places in those files.
async fn run_audit(app: &App, year: i64) -> Result<RegionAudit, ApiError> {
    let (rows, last, units) = app
        .store
        .call(move |conn| {
            Ok((
                store::reports(conn, None, Some(year))?,
                store::reports(conn, None, Some(year - 1))?,
                store::units(conn)?,
            ))
        })
        .await?;
    let work_dir = app.data.join("tmp");
    let (this, roster_units) = (rows.clone(), units.clone());
    let mut audit = app
        .checkers
        .run(move |()| {
            std::fs::create_dir_all(&work_dir).map_err(ApiError::internal)?;
            let dir = tempfile::Builder::new()
                .prefix("audit-")
                .tempdir_in(&work_dir)
                .map_err(ApiError::internal)?;
            let write_all = |sub: &str, rows: &[ReportRow]| -> Result<Vec<PathBuf>, ApiError> {
                let d = dir.path().join(sub);
                std::fs::create_dir_all(&d).map_err(ApiError::internal)?;
                rows.iter()
                    .map(|r| {
                        let p = d.join(format!("unit-{}.json", r.account.id));
                        std::fs::write(&p, &r.latest.data).map_err(ApiError::internal)?;
                        Ok(p)
                    })
                    .collect()
            };
            let files = write_all("this", &this)?;
            let previous = write_all("last", &last)?;
            let roster: Vec<RosterEntry> = roster_units
                .iter()
                .map(|u| RosterEntry {
                    organ: u.organ.clone(),
                    kind: OrganKind::parse(&u.kind),
                })
                .collect();
            Ok::<_, ApiError>(audit::audit(
                &files,
                &previous,
                Some(&roster),
                &nianbao_form::check::Options::default(),
            ))
        })
        .await??;
    let login_of = |file: &str| -> String {
        let id = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|s| s.strip_prefix("unit-"))
            .and_then(|s| s.parse::<i64>().ok());
        rows.iter()
            .find(|r| Some(r.account.id) == id)
            .map(|r| r.account.login.clone())
            .unwrap_or_default()
    };
    for u in &mut audit.units {
        u.file = login_of(&u.file);
    }
    for f in &mut audit.findings {
        let d = &mut f.diagnostic;
        d.file = login_of(&d.file);
        (d.line, d.column, d.pos) = (None, None, None);
    }
    Ok(RegionAudit { audit, rows, units })
}

/// The year's audit, live: every unit's status, the findings (office only).
#[utoipa::path(get, path = "/api/office/{year}/audit", params(("year" = i64, Path, description = "年度")),
    responses((status = 200, body = OfficeAudit), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn office_audit(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(year): PathArgs<i64>,
) -> Result<axum::Json<OfficeAudit>, ApiError> {
    s.office()?;
    report::edition_for(year)?;
    let RegionAudit { audit, rows, units } = run_audit(&app, year).await?;
    let counts = audit
        .counts()
        .into_iter()
        .map(|(k, v)| (k.chinese().to_string(), v))
        .collect();
    let out_units = audit
        .units
        .iter()
        .map(|u| {
            let row = rows.iter().find(|r| r.account.login == u.file);
            // A unit with no report (未提交) is found by its organ.
            let unit = row.map(|r| r.account.login.clone()).or_else(|| {
                units
                    .iter()
                    .find(|a| audit::normalized(&a.organ) == audit::normalized(&u.organ))
                    .map(|a| a.login.clone())
            });
            AuditUnit {
                unit: unit.unwrap_or_default(),
                organ: u.organ.clone(),
                status: u.status.chinese().into(),
                errors: u.errors,
                warnings: u.warnings,
                late: u.late,
                report: row.map(|r| r.id),
            }
        })
        .collect();
    let findings = audit
        .findings
        .iter()
        .map(|f| AuditFinding {
            organ: f.organ.clone(),
            finding: Finding::from(&f.diagnostic),
        })
        .collect();
    Ok(axum::Json(OfficeAudit {
        year,
        counts,
        units: out_units,
        findings,
    }))
}

/// The findings workbook of the year (汇总, 问题清单), as `nianbao audit -o` writes it.
#[utoipa::path(get, path = "/api/office/{year}/findings.xlsx", params(("year" = i64, Path, description = "年度")),
    responses((status = 200, description = "工作簿", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody)))]
pub async fn office_findings(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(year): PathArgs<i64>,
) -> Result<Response, ApiError> {
    s.office()?;
    report::edition_for(year)?;
    let RegionAudit { audit, .. } = run_audit(&app, year).await?;
    let bytes = audit::to_workbook(&audit).map_err(ApiError::internal)?;
    Ok(file_response(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        attachment(
            &format!("findings-{year}.xlsx"),
            &format!("{year}年度政府信息公开工作年度报告问题清单.xlsx"),
        ),
        bytes,
    ))
}

/// How the sum is given.
#[derive(Deserialize, IntoParams)]
pub struct SumQuery {
    /// `json` (default: the data with every 总计), `yaml` or `xlsx` (downloads).
    pub format: Option<String>,
    /// The organ named in the summed report (default: the office's).
    pub organ: Option<String>,
}

/// The region's sum: tables 二, 三 and 四 of every unit's latest report of the year
/// added up (as `nianbao sum`), with placeholder prose.
#[utoipa::path(get, path = "/api/office/{year}/sum", params(("year" = i64, Path, description = "年度"), SumQuery),
    responses((status = 200, description = "汇总报告", content((Object = "application/json"),
        (String = "application/yaml"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
    (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 503, body = ErrorBody), (status = 403, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn office_sum(
    State(app): State<Arc<App>>,
    s: Session,
    PathArgs(year): PathArgs<i64>,
    QueryArgs(q): QueryArgs<SumQuery>,
) -> Result<Response, ApiError> {
    s.office()?;
    report::edition_for(year)?;
    let organ = match q.organ {
        Some(o) => valid_organ(&o)?,
        None => s.account.organ.clone(),
    };
    let rows = app
        .store
        .call(move |conn| Ok(store::reports(conn, None, Some(year))?))
        .await?;
    let format = q.format.unwrap_or_else(|| "json".into());
    if !matches!(format.as_str(), "json" | "yaml" | "xlsx") {
        return Err(ApiError::bad_request("format 为 json、yaml 或 xlsx"));
    }
    let bytes = app
        .checkers
        .run(move |()| {
            let mut reports = Vec::new();
            let mut unreadable = Vec::new();
            for r in &rows {
                let checked = report::check_json(&r.latest.data, None);
                match checked.report {
                    Some(rep) if checked.result.errors == 0 => {
                        reports.push((r.account.organ.clone(), rep));
                    }
                    _ => unreadable.push(r.account.organ.clone()),
                }
            }
            if !unreadable.is_empty() {
                return Err(ApiError::unprocessable(format!(
                    "这些单位的报告有错误，改正后才能汇总：{}",
                    unreadable.join("、")
                )));
            }
            let sum = audit::sum(&reports, &organ, Some(year))
                .map_err(|e| ApiError::unprocessable(e.join("；")))?;
            let c = nianbao_form::check::check_report(sum);
            let bytes = data_file(&format, &c.report, &c.totals)?;
            Ok::<_, ApiError>((format, bytes))
        })
        .await??;
    let (format, bytes) = bytes;
    if format == "json" {
        let mut r = bytes.into_response();
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        return Ok(r);
    }
    let disposition = attachment(
        &format!("sum-{year}.{format}"),
        &format!("{year}年度汇总.{format}"),
    );
    Ok(file_response(content_type_of(&format), disposition, bytes))
}

/// The report as a data file: `json` (published, with every 总计), `yaml` or `xlsx`.
fn data_file(
    format: &str,
    report: &Report,
    totals: &nianbao_form::rules::Computed,
) -> Result<Vec<u8>, ApiError> {
    Ok(match format {
        "json" => write::published_json(report, totals).into_bytes(),
        "yaml" => write::to_string(report, Format::Yaml).into_bytes(),
        _ => nianbao_form::xlsx::to_bytes(report).map_err(ApiError::internal)?,
    })
}

/// The media type of a data file of [`data_file`].
fn content_type_of(format: &str) -> &'static str {
    match format {
        "json" => "application/json",
        "yaml" => "application/yaml; charset=utf-8",
        _ => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
}
