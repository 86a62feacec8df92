//! Who is asking: passwords (Argon2id, the PHC string kept), session cookies and
//! the CSRF token every change must carry.
//!
//! A session is a random 256-bit token in the cookie `nianbao_session`
//! (`HttpOnly; SameSite=Strict; Path=/`), looked up in the database; its CSRF token
//! is another random value the pages read from `GET /api/session` and send back in
//! the `X-CSRF-Token` header of every request that is not a GET.

use std::sync::Arc;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{Method, header};

use crate::App;
use crate::error::ApiError;
use crate::store::Account;

/// The session cookie's name.
pub const COOKIE: &str = "nianbao_session";

/// The header that carries the CSRF token.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How long a session lasts: 12 hours (a working day), in seconds.
pub const SESSION_SECONDS: i64 = 12 * 3600;

/// The fewest characters a password may have.
pub const PASSWORD_MIN_CHARS: usize = 8;

/// `bytes` random bytes from the operating system, as lowercase hex.
///
/// # Panics
/// When the operating system has no randomness to give (the server cannot run
/// safely without it).
pub fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system gives random bytes");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A BLAKE2b-256 digest of `token` for `purpose`, as lowercase hex.
fn digest(purpose: &[u8], token: &str) -> String {
    use blake2::Digest;
    let mut h = blake2::Blake2b::<blake2::digest::consts::U32>::new();
    h.update(purpose);
    h.update([0]);
    h.update(token.as_bytes());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What the database keeps of a session token: its digest, never the token, so that
/// whoever reads the database file cannot take over a session.
pub fn session_key(token: &str) -> String {
    digest(b"nianbao session", token)
}

/// The CSRF token of a session: derived from the session token (so that it is kept
/// nowhere), different from it, and told to the page by `/api/login` and
/// `/api/session`.
pub fn csrf_of(token: &str) -> String {
    digest(b"nianbao csrf", token)
}

/// A password for a new account: 16 letters and digits without look-alikes.
pub fn generated_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut buf = [0u8; 16];
    getrandom::fill(&mut buf).expect("the operating system gives random bytes");
    buf.iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

/// The Argon2id PHC string of `password` (Argon2's default parameters: 19 MiB,
/// 2 passes, as OWASP's password storage cheat sheet gives).
///
/// # Errors
/// When hashing fails (it does not for these parameters).
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(ApiError::internal)
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Equal strings in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The session token in a request's cookies.
pub fn token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (name, value) = c.trim().split_once('=')?;
            (name == COOKIE && value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
                .then(|| value.to_string())
        })
}

/// The `Set-Cookie` value that starts a session.
pub fn session_cookie(token: &str) -> String {
    format!("{COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={SESSION_SECONDS}")
}

/// The `Set-Cookie` value that ends it.
pub fn cleared_cookie() -> String {
    format!("{COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0")
}

/// A request made in a session: the account, and its CSRF token. As an extractor
/// it answers 401 without a live session, and 403 for a request other than
/// GET/HEAD whose `X-CSRF-Token` header is missing or wrong.
#[derive(Clone, Debug)]
pub struct Session {
    /// Who is asking.
    pub account: Account,
    /// The session's CSRF token.
    pub csrf: String,
    /// The session token (to end it).
    pub token: String,
}

impl Session {
    /// 403 unless this is the office.
    ///
    /// # Errors
    /// [`ApiError::forbidden`] for a unit.
    pub fn office(&self) -> Result<(), ApiError> {
        if self.account.is_office() {
            Ok(())
        } else {
            Err(ApiError::forbidden("只有政务公开办公室可以这样做"))
        }
    }
}

impl FromRequestParts<Arc<App>> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, ApiError> {
        let token = token(parts).ok_or_else(ApiError::unauthorized)?;
        let account = app
            .store
            .session(&session_key(&token))
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        let csrf = csrf_of(&token);
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if !same(sent, &csrf) {
                return Err(ApiError::forbidden(
                    "请求缺少有效的 CSRF 令牌（X-CSRF-Token），已拒绝；请刷新页面后重试",
                ));
            }
        }
        Ok(Session {
            account,
            csrf,
            token,
        })
    }
}
