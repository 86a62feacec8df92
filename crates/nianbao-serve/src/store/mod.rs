//! The web app's storage, behind one type whose methods are named after what they do
//! (`create_account`, `save_version`, `latest_versions` …) and fail with their own
//! error ([`StoreError`]). No business rule lives here (which organ names clash, who
//! may see what, what is checked): the handlers decide, the store keeps. A backend is
//! one module ([`sqlite`]: SQLite in the data folder) and one variant of [`Backend`],
//! so that a second database is one new module.

mod sqlite;

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::error::ApiError;

pub use sqlite::DATABASE_FILE;

/// One account: the office (`role = office`) or a unit (`role = unit`).
#[derive(Clone, Debug)]
pub struct Account {
    /// Row id.
    pub id: i64,
    /// The login name.
    pub login: String,
    /// `office` or `unit`.
    pub role: String,
    /// The organ's full name (机关名称).
    pub organ: String,
    /// `department` (部门, 31 January) or `government` (人民政府, 31 March).
    pub kind: String,
}

impl Account {
    /// Whether this is the coordinating office's account.
    pub fn is_office(&self) -> bool {
        self.role == "office"
    }
}

/// One saved version of a report.
#[derive(Clone, Debug)]
pub struct Version {
    /// 1, 2, … within the report.
    pub number: i64,
    /// The report as nianbao's JSON data.
    pub data: String,
    /// Seconds since 1970 (UTC).
    pub saved: i64,
    /// The login that saved it.
    pub saved_by: String,
    /// How it came: 填写, 上传：name, 恢复第 n 版, 新建.
    pub source: String,
    /// Errors found by the check when saved.
    pub errors: i64,
    /// Warnings found by the check when saved.
    pub warnings: i64,
}

/// A report with its latest version's summary.
#[derive(Clone, Debug)]
pub struct ReportRow {
    /// Row id.
    pub id: i64,
    /// The unit's account.
    pub account: Account,
    /// The reporting year.
    pub year: i64,
    /// The latest version.
    pub latest: Version,
}

/// Seconds since 1970.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// What a save writes.
pub struct NewVersion {
    /// The report as nianbao's JSON data.
    pub data: String,
    /// Who saves (the account's row id).
    pub saved_by: i64,
    /// How it came (see [`Version::source`]).
    pub source: String,
    /// Errors of its check.
    pub errors: i64,
    /// Warnings of its check.
    pub warnings: i64,
}

/// What became of a save.
pub enum Saved {
    /// Saved: the report with its new latest version.
    Saved(Box<ReportRow>),
    /// Not saved: the latest version is no longer the one the save was based on
    /// (another tab or person saved in between); the number of the latest.
    Stale(i64),
}

/// The store could not do what was asked. `Display` gives the Chinese message.
#[derive(Debug)]
pub enum StoreError {
    /// The database failed (the driver's words).
    Database(String),
    /// The database task was stopped before it answered.
    Interrupted(String),
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Database(e) => write!(f, "数据库：{e}"),
            StoreError::Interrupted(e) => write!(f, "数据库任务中断：{e}"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError::Database(e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        ApiError::internal(e.to_string())
    }
}

/// The database a store keeps its data in.
#[derive(Clone)]
enum Backend {
    /// One SQLite connection behind a mutex: SQLite serialises writers anyway, and
    /// every call is short (the checks and renders run outside it).
    Sqlite(Arc<Mutex<Connection>>),
}

/// The web app's data: accounts, sessions, reports and their versions.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
}

impl Store {
    /// Opens (or creates) the SQLite database in `dir` and brings its schema up to
    /// date.
    ///
    /// # Errors
    /// A message in Chinese when the file cannot be opened, is not a nianbao
    /// database, or was written by a newer nianbao.
    pub fn open(dir: &Path) -> Result<Store, String> {
        Ok(Store {
            backend: Backend::Sqlite(Arc::new(Mutex::new(sqlite::open(dir)?))),
        })
    }

    /// Runs `f` on the SQLite connection in tokio's blocking pool.
    async fn sqlite<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<R> + Send + 'static,
    {
        let Backend::Sqlite(connection) = &self.backend;
        let connection = connection.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = connection
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut conn).map_err(StoreError::from)
        })
        .await
        .map_err(|e| StoreError::Interrupted(e.to_string()))?
    }

    /// The account named `login` with its password hash.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn account_by_login(
        &self,
        login: &str,
    ) -> Result<Option<(Account, String)>, StoreError> {
        let login = login.to_string();
        self.sqlite(move |c| sqlite::account_by_login(c, &login))
            .await
    }

    /// Every unit account, by organ.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn units(&self) -> Result<Vec<Account>, StoreError> {
        self.sqlite(|c| sqlite::units(c)).await
    }

    /// Creates an account (`role`: `office` or `unit`; `kind`: `department` or
    /// `government`); `None` when the login is taken.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn create_account(
        &self,
        login: &str,
        role: &str,
        organ: &str,
        kind: &str,
        password_hash: &str,
    ) -> Result<Option<i64>, StoreError> {
        let (login, role, organ, kind, hash) = (
            login.to_string(),
            role.to_string(),
            organ.to_string(),
            kind.to_string(),
            password_hash.to_string(),
        );
        self.sqlite(move |c| sqlite::create_account(c, &login, &role, &organ, &kind, &hash))
            .await
    }

    /// Replaces an account's password hash and ends its sessions; false when there
    /// is no such account.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn set_password(
        &self,
        account: i64,
        password_hash: &str,
    ) -> Result<bool, StoreError> {
        let hash = password_hash.to_string();
        self.sqlite(move |c| sqlite::set_password(c, account, &hash))
            .await
    }

    /// Records a session of `account` until `expires` (seconds since 1970) under
    /// `key`, the digest of its token (the token itself is never stored).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn create_session(
        &self,
        key: &str,
        account: i64,
        expires: i64,
    ) -> Result<(), StoreError> {
        let key = key.to_string();
        self.sqlite(move |c| sqlite::create_session(c, &key, account, expires))
            .await
    }

    /// The account of the live session under `key`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn session(&self, key: &str) -> Result<Option<Account>, StoreError> {
        let key = key.to_string();
        self.sqlite(move |c| sqlite::session(c, &key)).await
    }

    /// Ends the session under `key`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn end_session(&self, key: &str) -> Result<(), StoreError> {
        let key = key.to_string();
        self.sqlite(move |c| sqlite::end_session(c, &key)).await
    }

    /// Reports with their latest version: of one account, or of all units
    /// (`account = None`), of one year or all (`year = None`).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn reports(
        &self,
        account: Option<i64>,
        year: Option<i64>,
    ) -> Result<Vec<ReportRow>, StoreError> {
        self.sqlite(move |c| sqlite::reports(c, account, year))
            .await
    }

    /// Every unit's report of `year` with its latest version (the region's audit
    /// and sum read these).
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn latest_versions(&self, year: i64) -> Result<Vec<ReportRow>, StoreError> {
        self.reports(None, Some(year)).await
    }

    /// The data of the latest version of `account`'s report of `year`, if started.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn latest_data(&self, account: i64, year: i64) -> Result<Option<String>, StoreError> {
        Ok(self
            .reports(Some(account), Some(year))
            .await?
            .pop()
            .map(|r| r.latest.data))
    }

    /// One report with its latest version.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn report(&self, id: i64) -> Result<Option<ReportRow>, StoreError> {
        self.sqlite(move |c| sqlite::report(c, id)).await
    }

    /// Every version of a report, newest first, without their data.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn versions(&self, report: i64) -> Result<Vec<Version>, StoreError> {
        self.sqlite(move |c| sqlite::versions(c, report)).await
    }

    /// One version of a report, with its data.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn version(&self, report: i64, number: i64) -> Result<Option<Version>, StoreError> {
        self.sqlite(move |c| sqlite::version(c, report, number))
            .await
    }

    /// Saves a new version of the report of `account` for `year` (the report is made
    /// when it does not exist), in one transaction. With `base`, the save is refused
    /// ([`Saved::Stale`]) when the latest version is not `base`.
    ///
    /// # Errors
    /// [`StoreError`] when the database fails.
    pub async fn save_version(
        &self,
        account: i64,
        year: i64,
        base: Option<i64>,
        new: NewVersion,
    ) -> Result<Saved, StoreError> {
        self.sqlite(move |c| {
            Ok(match sqlite::save(c, account, year, base, &new)? {
                Ok((id, _)) => match sqlite::report(c, id)? {
                    Some(row) => Saved::Saved(Box::new(row)),
                    None => return Err(rusqlite::Error::QueryReturnedNoRows),
                },
                Err(latest) => Saved::Stale(latest),
            })
        })
        .await
    }
}
