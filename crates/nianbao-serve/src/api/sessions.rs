//! Logging in and out, and the session's account.

use super::*;

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

pub(crate) fn info_of(account: &store::Account, csrf: &str) -> SessionInfo {
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
    let found = app.store.account_by_login(&user).await?;
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
    let csrf = auth::csrf_of(&token);
    app.store
        .create_session(
            &auth::session_key(&token),
            account.id,
            store::now() + auth::SESSION_SECONDS,
        )
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
    app.store.end_session(&auth::session_key(&token)).await?;
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
