//! The SQLite backend of the store: one file in the data folder (`nianbao.sqlite3`),
//! in WAL mode with `synchronous = FULL`, so that a save acknowledged to the browser
//! is on disk and a killed server leaves the last committed version intact.
//!
//! Migrations are numbered SQL scripts; `PRAGMA user_version` records how many have
//! run. A newer database than this program knows is refused, never written. Every
//! function here is one statement or one transaction, and holds no business rule.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Account, NewVersion, ReportRow, Version, now};

/// The file name of the database inside the data folder.
pub const DATABASE_FILE: &str = "nianbao.sqlite3";

/// The schema, one script per version; never edit a script that has shipped,
/// add the next one.
const MIGRATIONS: &[&str] = &[
    // 1: accounts (the office and its units), sessions, reports and their versions.
    "CREATE TABLE account (
        id INTEGER PRIMARY KEY,
        login TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('office', 'unit')),
        organ TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT 'department' CHECK (kind IN ('department', 'government')),
        password TEXT NOT NULL,
        created INTEGER NOT NULL
    );
    CREATE TABLE session (
        token TEXT PRIMARY KEY,
        account INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        expires INTEGER NOT NULL
    );
    CREATE TABLE report (
        id INTEGER PRIMARY KEY,
        account INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE,
        year INTEGER NOT NULL,
        created INTEGER NOT NULL,
        UNIQUE (account, year)
    );
    CREATE TABLE version (
        report INTEGER NOT NULL REFERENCES report (id) ON DELETE CASCADE,
        number INTEGER NOT NULL,
        data TEXT NOT NULL,
        saved INTEGER NOT NULL,
        saved_by INTEGER NOT NULL REFERENCES account (id),
        source TEXT NOT NULL,
        errors INTEGER NOT NULL,
        warnings INTEGER NOT NULL,
        PRIMARY KEY (report, number)
    );",
    // 2: session tokens are kept as digests and CSRF tokens not at all: the sessions
    // of version 1 held both raw, and end here (everyone logs in once more).
    "DELETE FROM session;",
];

/// Opens (or creates) the database in `dir` and brings its schema up to date.
///
/// # Errors
/// A message in Chinese when the file cannot be opened, is not a nianbao database,
/// or was written by a newer nianbao.
pub fn open(dir: &Path) -> Result<Connection, String> {
    let path = dir.join(DATABASE_FILE);
    let fail = |e: rusqlite::Error| format!("无法打开数据库 {}：{e}", path.display());
    let mut conn = Connection::open(&path).map_err(fail)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(fail)?;
    let mode: String = conn
        .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
        .map_err(fail)?;
    if !mode.eq_ignore_ascii_case("wal") {
        return Err(format!(
            "数据库 {} 无法使用 WAL 模式（{mode}）",
            path.display()
        ));
    }
    conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        .map_err(fail)?;
    migrate(&mut conn).map_err(|e| format!("{}：{e}", path.display()))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> Result<(), String> {
    let done: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    let known = MIGRATIONS.len() as i64;
    if done > known {
        return Err(format!(
            "数据库由更新版本的 nianbao 创建（结构第 {done} 版，本程序只认识到第 {known} 版），请使用新版本"
        ));
    }
    for (i, script) in MIGRATIONS.iter().enumerate().skip(done as usize) {
        let tx = conn.transaction().map_err(|e| e.to_string())?;
        tx.execute_batch(script).map_err(|e| e.to_string())?;
        tx.pragma_update(None, "user_version", i as i64 + 1)
            .map_err(|e| e.to_string())?;
        tx.commit().map_err(|e| e.to_string())?;
    }
    Ok(())
}

const ACCOUNT_COLUMNS: &str = "id, login, role, organ, kind";

fn account_row(r: &rusqlite::Row) -> rusqlite::Result<Account> {
    Ok(Account {
        id: r.get(0)?,
        login: r.get(1)?,
        role: r.get(2)?,
        organ: r.get(3)?,
        kind: r.get(4)?,
    })
}

/// The account named `login` with its password hash.
pub fn account_by_login(
    conn: &Connection,
    login: &str,
) -> rusqlite::Result<Option<(Account, String)>> {
    conn.query_row(
        &format!("SELECT {ACCOUNT_COLUMNS}, password FROM account WHERE login = ?1"),
        [login],
        |r| Ok((account_row(r)?, r.get(5)?)),
    )
    .optional()
}

/// Every unit account, by organ.
pub fn units(conn: &Connection) -> rusqlite::Result<Vec<Account>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {ACCOUNT_COLUMNS} FROM account WHERE role = 'unit' ORDER BY organ, id"
    ))?;
    let rows = stmt.query_map([], account_row)?;
    rows.collect()
}

/// Creates an account; `Ok(None)` when the login is taken.
pub fn create_account(
    conn: &Connection,
    login: &str,
    role: &str,
    organ: &str,
    kind: &str,
    password_hash: &str,
) -> rusqlite::Result<Option<i64>> {
    let done = conn.execute(
        "INSERT INTO account (login, role, organ, kind, password, created)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (login) DO NOTHING",
        params![login, role, organ, kind, password_hash, now()],
    )?;
    Ok((done == 1).then(|| conn.last_insert_rowid()))
}

/// Replaces an account's password hash and ends its sessions.
pub fn set_password(conn: &mut Connection, id: i64, password_hash: &str) -> rusqlite::Result<bool> {
    let tx = conn.transaction()?;
    let done = tx.execute(
        "UPDATE account SET password = ?2 WHERE id = ?1",
        params![id, password_hash],
    )?;
    tx.execute("DELETE FROM session WHERE account = ?1", [id])?;
    tx.commit()?;
    Ok(done == 1)
}

/// Records a session under `key` (the digest of its token).
pub fn create_session(
    conn: &Connection,
    key: &str,
    account: i64,
    expires: i64,
) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM session WHERE expires < ?1", [now()])?;
    // The CSRF token is derived from the session token, never kept.
    conn.execute(
        "INSERT INTO session (token, account, csrf, expires) VALUES (?1, ?2, '', ?3)",
        params![key, account, expires],
    )?;
    Ok(())
}

/// The account of the live session under `key`.
pub fn session(conn: &Connection, key: &str) -> rusqlite::Result<Option<Account>> {
    conn.query_row(
        "SELECT a.id, a.login, a.role, a.organ, a.kind FROM session s
         JOIN account a ON a.id = s.account WHERE s.token = ?1 AND s.expires >= ?2",
        params![key, now()],
        account_row,
    )
    .optional()
}

/// Ends a session.
pub fn end_session(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM session WHERE token = ?1", [key])?;
    Ok(())
}

const VERSION_COLUMNS: &str = "v.number, v.data, v.saved, b.login, v.source, v.errors, v.warnings";

fn version_row(r: &rusqlite::Row, at: usize) -> rusqlite::Result<Version> {
    Ok(Version {
        number: r.get(at)?,
        data: r.get(at + 1)?,
        saved: r.get(at + 2)?,
        saved_by: r.get(at + 3)?,
        source: r.get(at + 4)?,
        errors: r.get(at + 5)?,
        warnings: r.get(at + 6)?,
    })
}

/// Reports with their latest version: of one account, or of all units
/// (`account = None`), of one year or all (`year = None`).
pub fn reports(
    conn: &Connection,
    account: Option<i64>,
    year: Option<i64>,
) -> rusqlite::Result<Vec<ReportRow>> {
    select_reports(conn, account, year, None)
}

/// One report with its latest version.
pub fn report(conn: &Connection, id: i64) -> rusqlite::Result<Option<ReportRow>> {
    Ok(select_reports(conn, None, None, Some(id))?.pop())
}

fn select_reports(
    conn: &Connection,
    account: Option<i64>,
    year: Option<i64>,
    report: Option<i64>,
) -> rusqlite::Result<Vec<ReportRow>> {
    // The latest version is found through the primary key (report, number).
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT a.id, a.login, a.role, a.organ, a.kind, r.id, r.year, {VERSION_COLUMNS}
         FROM report r JOIN account a ON a.id = r.account
         JOIN version v ON v.report = r.id
           AND v.number = (SELECT MAX(number) FROM version WHERE report = r.id)
         JOIN account b ON b.id = v.saved_by
         WHERE (?1 IS NULL OR r.account = ?1) AND (?2 IS NULL OR r.year = ?2)
           AND (?3 IS NULL OR r.id = ?3)
         ORDER BY r.year DESC, a.organ, r.id"
    ))?;
    let rows = stmt.query_map(params![account, year, report], |r| {
        Ok(ReportRow {
            account: account_row(r)?,
            id: r.get(5)?,
            year: r.get(6)?,
            latest: version_row(r, 7)?,
        })
    })?;
    rows.collect()
}

/// The report of `account` for `year`, if started.
pub fn report_of(conn: &Connection, account: i64, year: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM report WHERE account = ?1 AND year = ?2",
        params![account, year],
        |r| r.get(0),
    )
    .optional()
}

/// Every version of a report, newest first, without their data.
pub fn versions(conn: &Connection, report: i64) -> rusqlite::Result<Vec<Version>> {
    // The data is left out (an empty text in its place): a list of versions must not
    // read every version's report.
    let mut stmt = conn.prepare(
        "SELECT v.number, '', v.saved, b.login, v.source, v.errors, v.warnings
         FROM version v JOIN account b ON b.id = v.saved_by
         WHERE v.report = ?1 ORDER BY v.number DESC",
    )?;
    let rows = stmt.query_map([report], |r| version_row(r, 0))?;
    rows.collect()
}

/// One version of a report.
pub fn version(conn: &Connection, report: i64, number: i64) -> rusqlite::Result<Option<Version>> {
    conn.query_row(
        &format!(
            "SELECT {VERSION_COLUMNS} FROM version v JOIN account b ON b.id = v.saved_by
             WHERE v.report = ?1 AND v.number = ?2"
        ),
        params![report, number],
        |r| version_row(r, 0),
    )
    .optional()
}

/// Saves a new version of the report of `account` for `year` (the report is made
/// when it does not exist), in one transaction. With `base`, the save is refused
/// (`Ok(Err(latest))`) when the latest version is not `base` — another tab or
/// person saved in between.
pub fn save(
    conn: &mut Connection,
    account: i64,
    year: i64,
    base: Option<i64>,
    new: &NewVersion,
) -> rusqlite::Result<Result<(i64, i64), i64>> {
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let report = match report_of(&tx, account, year)? {
        Some(id) => id,
        None => {
            tx.execute(
                "INSERT INTO report (account, year, created) VALUES (?1, ?2, ?3)",
                params![account, year, now()],
            )?;
            tx.last_insert_rowid()
        }
    };
    let latest: i64 = tx.query_row(
        "SELECT COALESCE(MAX(number), 0) FROM version WHERE report = ?1",
        [report],
        |r| r.get(0),
    )?;
    if let Some(base) = base
        && base != latest
    {
        return Ok(Err(latest));
    }
    tx.execute(
        "INSERT INTO version (report, number, data, saved, saved_by, source, errors, warnings)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            report,
            latest + 1,
            new.data,
            now(),
            new.saved_by,
            new.source,
            new.errors,
            new.warnings
        ],
    )?;
    tx.commit()?;
    Ok(Ok((report, latest + 1)))
}
