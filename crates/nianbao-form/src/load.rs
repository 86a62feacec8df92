//! Reading a report file of any kind nianbao reads into [`Decoded`] data: the
//! first stage of the pipeline. The format is chosen by the file's extension.

use std::path::Path;

use crate::decode::{self, Decoded};
use crate::error::LoadError;
use crate::limits;
use crate::tree::{self, Format};
use crate::xlsx;

pub use crate::error::FILE_TYPES;

/// Reads a report from text in the given format (a leading byte-order mark is skipped).
pub fn read_str(text: &str, format: Format) -> Decoded {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (root, mut diags) = tree::parse(text, format);
    match root {
        Some(root) => {
            let mut decoded = decode::decode(&root);
            diags.append(&mut decoded.diags);
            decoded.diags = diags;
            decoded
        }
        None => Decoded {
            diags,
            ..Decoded::default()
        },
    }
}

/// A reader of published reports (PDF, DOCX, HTML): `nianbao-import`, which depends
/// on this crate and so cannot be called from it directly. The program installs it
/// once at start ([`install_published_reader`]); every loader of this crate and of
/// the others (check, render, audit, convert) then reads those files as well.
pub struct PublishedReader {
    /// Whether a file name is one it reads (`.docx`, `.html`, `.pdf` …).
    pub reads: fn(&Path) -> bool,
    /// Reads one; the error is the Chinese message for the user.
    pub read: fn(&Path) -> Result<Decoded, String>,
}

static PUBLISHED: std::sync::OnceLock<PublishedReader> = std::sync::OnceLock::new();

/// Installs the reader of published reports (once; later calls are ignored).
pub fn install_published_reader(reader: PublishedReader) {
    let _ = PUBLISHED.set(reader);
}

/// Whether a file is a published report that the installed reader reads.
pub fn is_published(path: &Path) -> bool {
    PUBLISHED.get().is_some_and(|r| (r.reads)(path))
}

/// Whether a file is a report data file by its extension (.yaml .yml .json .toml
/// .xlsx), leaving out the lock files office programs keep beside an open workbook
/// (`~$report.xlsx`). Published reports ([`is_published`]) are not data files: a
/// folder searched for data (`render DIR`) does not take the PDF and DOCX that
/// nianbao wrote beside them.
pub fn is_report_file(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    !name.starts_with("~$") && (Format::from_path(path).is_some() || is_workbook(path))
}

/// Whether a file name is a workbook (.xlsx).
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

/// Reads a report file; the format is chosen by the extension.
///
/// # Errors
/// [`LoadError`] when the file cannot be read at all: unknown extension, I/O,
/// text that is not UTF-8, or not a workbook. Problems inside a readable file are
/// diagnostics in the [`Decoded`] value instead.
pub fn read_file(path: &Path) -> Result<Decoded, LoadError> {
    if let Some(reader) = PUBLISHED.get()
        && (reader.reads)(path)
    {
        return (reader.read)(path).map_err(|detail| LoadError::Published {
            path: path.to_path_buf(),
            detail,
        });
    }
    if is_workbook(path) {
        return xlsx::read_path(path);
    }
    let format = Format::from_path(path).ok_or_else(|| LoadError::UnknownType {
        path: path.to_path_buf(),
    })?;
    let bytes = read_bounded(path, limits::MAX_TEXT_FILE_BYTES)?;
    let text = String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: Some(path.to_path_buf()),
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok(read_str(&text, format))
}

/// Reads a whole file of at most `limit` bytes (the file's size is checked before
/// reading, and the read stops past the limit should the file grow meanwhile).
///
/// # Errors
/// [`LoadError::Io`] when it cannot be read, [`LoadError::TooLarge`] past the limit.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let io = |source| LoadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let too_large = |size| LoadError::TooLarge {
        path: path.to_path_buf(),
        size,
        limit,
    };
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}
