//! The JSON API under `/api/`, which the pages themselves use. Every handler is
//! described for the OpenAPI document ([`ApiDoc`], served at `/api/openapi.json`)
//! by its `#[utoipa::path]`, so the document is made from the code.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use nianbao_files::parse::Format;
use nianbao_files::read;
use nianbao_files::write;
use nianbao_form::audit::{self, LastYear, LeftOut, RosterEntry, Submission};
use nianbao_form::model::{OrganKind, Report};
use nianbao_render::export::pdf::Standard;
use nianbao_render::output::Output;
use nianbao_render::pipeline::{self, Refusal};

use crate::App;
use crate::auth::{self, Session};
use crate::error::{ApiError, ErrorBody};
use crate::report::{self, CheckResult, Finding, FormLayout};
use crate::store::{self, NewVersion, ReportRow, Saved};

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
        login, logout, session_info, form, file_kinds, outputs, units, create_unit, reset_password,
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

mod downloads;
mod form;
mod office;
mod reports;
mod sessions;
mod units;

pub use downloads::*;
pub use form::*;
pub use office::*;
pub use reports::*;
pub use sessions::*;
pub use units::*;
