//! The office's units: their accounts and passwords.

use super::*;

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
    let units = app.store.units().await?;
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

pub(crate) fn valid_login(user: &str) -> bool {
    (2..=64).contains(&user.len())
        && user
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

pub(crate) fn valid_organ(organ: &str) -> Result<String, ApiError> {
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
pub(crate) async fn password_and_hash(
    app: &App,
    given: Option<String>,
) -> Result<(String, String), ApiError> {
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

pub(crate) fn valid_password(password: &str) -> Result<(), ApiError> {
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
    // Two units of one organ would be one unit to the audit (it goes by name).
    let same = app
        .store
        .units()
        .await?
        .into_iter()
        .any(|u| audit::normalized(&u.organ) == audit::normalized(&organ));
    if same {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            format!("已有机关名称为“{organ}”的单位"),
        ));
    }
    let created = app
        .store
        .create_account(&req.user, "unit", &organ, kind.as_str(), &hash)
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
    // The office's own password is not reset here: the office is no unit.
    let account = match app.store.account_by_login(&user).await? {
        Some((account, _)) if !account.is_office() => account,
        _ => return Err(ApiError::not_found()),
    };
    if !app.store.set_password(account.id, &hash).await? {
        return Err(ApiError::not_found());
    }
    Ok(axum::Json(UnitCreated {
        user: account.login,
        organ: account.organ,
        kind: account.kind,
        password,
    }))
}
