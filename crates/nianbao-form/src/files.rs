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
/// The Chinese message for the user, naming the file, when the folder cannot be
/// written.
pub fn stage(path: &Path, bytes: &[u8]) -> Result<Staged, String> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let fail = |e: std::io::Error| format!("{}：无法写入：{e}", path.display());
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
    /// The Chinese message for the user: the file exists (without `force`), or the
    /// rename failed.
    pub fn commit(self, force: bool) -> Result<(), String> {
        let Staged { tmp, path } = self;
        let fail = |e: std::io::Error| format!("{}：无法写入：{e}", path.display());
        if force {
            tmp.persist(&path).map_err(|e| fail(e.error))?;
        } else {
            tmp.persist_noclobber(&path).map_err(|e| {
                if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                    exists(&path)
                } else {
                    fail(e.error)
                }
            })?;
        }
        Ok(())
    }
}

fn exists(path: &Path) -> String {
    format!("{} 已存在，未覆盖；如需覆盖请加 --force", path.display())
}

/// Writes `bytes` to `path` through a temporary file in the same folder ([`stage`],
/// then [`Staged::commit`]), so that no half-written file is ever left behind;
/// refuses to replace an existing file unless `force`.
///
/// # Errors
/// The Chinese message for the user, naming the file: it exists (without
/// `force`), or the folder cannot be written.
pub fn write_atomically(path: &Path, bytes: &[u8], force: bool) -> Result<(), String> {
    if !force && path.exists() {
        return Err(exists(path));
    }
    stage(path, bytes)?.commit(force)
}
