//! Writing files so that no reader ever sees half of one: every file nianbao
//! writes (reports, workbooks, PDFs, DOCX files) goes through [`write_atomically`].

use std::io::Write;
use std::path::{Path, PathBuf};

/// The start of the name of the temporary file [`write_atomically`] writes for
/// `path`, in the same folder: hidden, and naming the file it will become (so that
/// what a killed process left can be found and removed).
pub fn temp_prefix(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    format!(".{name}.nianbao-")
}

/// A file that could not be written. `Display` gives the Chinese message for the user,
/// naming the file.
#[derive(Debug)]
pub enum WriteError {
    /// The file exists and replacing it was not asked for (`--force`).
    Exists(PathBuf),
    /// The folder or the file could not be written.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Exists(path) => {
                write!(f, "{} 已存在，未覆盖；如需覆盖请加 --force", path.display())
            }
            WriteError::Io { path, source } => write!(f, "{}：无法写入：{source}", path.display()),
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            WriteError::Exists(_) => None,
        }
    }
}

impl From<WriteError> for String {
    fn from(e: WriteError) -> String {
        e.to_string()
    }
}

/// A file written in full under a temporary name in its folder, not yet in place:
/// [`Staged::commit`] renames it to its name; dropping it removes it. Staging every
/// file of a document before committing any puts them in place together.
pub struct Staged {
    tmp: tempfile::NamedTempFile,
    path: PathBuf,
}

/// Writes `bytes` under a temporary name beside `path` (see [`temp_prefix`]),
/// synced to disk and readable by all (0644), as an ordinary document.
///
/// # Errors
/// [`WriteError::Io`] when the folder cannot be written.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, WriteError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(&temp_prefix(path))
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    // A temporary file is created private (0600); the result is an ordinary document.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(fail)?;
    }
    Ok(Staged {
        tmp,
        path: path.to_path_buf(),
    })
}

impl Staged {
    /// Puts the file in place by renaming it; an existing file is replaced only
    /// when `force`.
    ///
    /// # Errors
    /// [`WriteError::Exists`] (without `force`), [`WriteError::Io`] when the rename
    /// failed.
    pub fn commit(self, force: bool) -> Result<(), WriteError> {
        let Staged { tmp, path } = self;
        let fail = |source| WriteError::Io {
            path: path.clone(),
            source,
        };
        if force {
            tmp.persist(&path).map_err(|e| fail(e.error))?;
        } else {
            tmp.persist_noclobber(&path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    WriteError::Exists(path.clone())
                } else {
                    fail(e.error)
                }
            })?;
        }
        Ok(())
    }
}

/// Writes `bytes` to `path` through a temporary file in the same folder ([`stage`],
/// then [`Staged::commit`]), so that no half-written file is ever left behind;
/// refuses to replace an existing file unless `force`.
///
/// # Errors
/// [`WriteError::Exists`] (without `force`), [`WriteError::Io`] when the folder
/// cannot be written.
pub fn write_atomically(path: &Path, bytes: &[u8], force: bool) -> Result<(), WriteError> {
    if !force && path.exists() {
        return Err(WriteError::Exists(path.to_path_buf()));
    }
    stage(path, bytes)?.commit(force)
}
