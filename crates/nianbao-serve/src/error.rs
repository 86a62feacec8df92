//! The one error type of the API: an HTTP status and a message in Chinese, sent as
//! `{"error": "…"}` (the [`ErrorBody`] schema) whatever went wrong.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The body of every error response.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong and what to do, in Chinese.
    pub error: String,
}

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The message for the user, in Chinese.
    pub message: String,
}

impl ApiError {
    /// An answer with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    /// 400: the request itself is malformed.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 401: no session.
    pub fn unauthorized() -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, "请先登录")
    }

    /// 403: not allowed for this account.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, message)
    }

    /// 404: no such thing (or not this account's: a unit is never told that
    /// another unit's report exists).
    pub fn not_found() -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "没有找到")
    }

    /// 422: the content cannot be used.
    pub fn unprocessable(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// 500: our fault; the detail is logged, the user gets a plain message.
    pub fn internal(detail: impl std::fmt::Display) -> ApiError {
        eprintln!("nianbao serve: 内部错误：{detail}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "服务器内部错误，请稍后重试",
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            axum::Json(ErrorBody {
                error: self.message,
            }),
        )
            .into_response()
    }
}
