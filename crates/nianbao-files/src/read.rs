//! Reading a report of any kind nianbao reads into [`Decoded`] data: the first stage
//! of the pipeline, as one function of a name and bytes ([`read`]). The kind comes
//! from [`kinds::of`] (the name and the first bytes); every reader has its limits
//! (size, nesting, decoded bytes). Reading a path ([`read_path`]) is reading its
//! bytes, bounded before they are read.

use std::path::Path;

use nianbao_form::decode::{self, Decoded};
use nianbao_form::limits;

use crate::error::LoadError;
use crate::kinds::{self, Kind};
use crate::parse::{self, Format};
use crate::xlsx;

/// Reads a report from text in the given format (a leading byte-order mark is skipped).
pub fn read_str(text: &str, format: Format) -> Decoded {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (root, mut diags) = parse::parse(text, format);
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

/// The largest file of a kind that is read, in bytes: 2 MiB of text data
/// ([`limits::MAX_TEXT_FILE_BYTES`]), 8 MiB for a workbook
/// ([`limits::MAX_WORKBOOK_BYTES`]), 64 MiB for a published report
/// ([`nianbao_import::limits::MAX_FILE_BYTES`]).
pub fn size_limit(kind: Kind) -> u64 {
    match kind {
        Kind::Yaml | Kind::Json | Kind::Toml => limits::MAX_TEXT_FILE_BYTES,
        Kind::Workbook => limits::MAX_WORKBOOK_BYTES,
        Kind::Docx | Kind::Html | Kind::Pdf | Kind::LegacyWord => {
            nianbao_import::limits::MAX_FILE_BYTES
        }
    }
}

/// Reads a report from a file's name (only its extension is looked at; it never
/// reaches the file system) and bytes: a data file (YAML, JSON, TOML, the workbook)
/// or a published report (DOCX, HTML, PDF). The kind is [`kinds::of`].
///
/// # Errors
/// [`LoadError`] (without a path; [`LoadError::in_file`] adds it) when the bytes
/// cannot be read at all: of no known kind, past the kind's [`size_limit`], text that
/// is not UTF-8, not a workbook, a legacy `.doc`, a published file its reader
/// refuses. Problems inside a readable file are diagnostics in the [`Decoded`] value.
pub fn read(name: &str, bytes: Vec<u8>) -> Result<Decoded, LoadError> {
    let kind = kinds::of(name, &bytes)
        .ok_or(LoadError::UnknownType { path: None })?
        .kind;
    let limit = size_limit(kind);
    if bytes.len() as u64 > limit {
        return Err(LoadError::TooLarge {
            path: None,
            size: bytes.len() as u64,
            limit,
        });
    }
    let format = match kind {
        Kind::Yaml | Kind::Json | Kind::Toml => Format::of(kind).expect("a text format"),
        Kind::Workbook => return xlsx::read_bytes(bytes),
        Kind::Docx => return published(bytes, nianbao_import::Kind::Docx),
        Kind::Html => return published(bytes, nianbao_import::Kind::Html),
        Kind::Pdf => return published(bytes, nianbao_import::Kind::Pdf),
        Kind::LegacyWord => {
            return Err(LoadError::Published {
                path: None,
                detail: "这是旧版 Word/WPS 文件（.doc/.wps），无法直接读取；请在 Word 或 WPS \
                         中打开，“另存为” Word 文档（.docx）后再导入"
                    .into(),
            });
        }
    };
    let text = String::from_utf8(bytes).map_err(|e| LoadError::NotUtf8 {
        path: None,
        offset: e.utf8_error().valid_up_to(),
    })?;
    Ok(read_str(&text, format))
}

fn published(bytes: Vec<u8>, kind: nianbao_import::Kind) -> Result<Decoded, LoadError> {
    nianbao_import::read_bytes(bytes, kind).map_err(|e| LoadError::Published {
        path: None,
        detail: e.to_string(),
    })
}

/// Reads a report file: its bytes, bounded by the [`size_limit`] of the kind its name
/// says before they are read, through [`read`].
///
/// # Errors
/// As [`read`], naming the file; [`LoadError::Io`] when it cannot be read.
pub fn read_file(path: &Path) -> Result<Decoded, LoadError> {
    let (name, bytes) = file_bytes(path)?;
    read(&name, bytes).map_err(|e| e.in_file(path))
}

/// A file's name and bytes, bounded by the [`size_limit`] of the kind its name says
/// (the bytes may still say another kind, whose own limit the reader then holds), or
/// by the largest limit for a name of no kind.
///
/// # Errors
/// [`LoadError::Io`] when it cannot be read, [`LoadError::TooLarge`] past the limit.
pub fn file_bytes(path: &Path) -> Result<(String, Vec<u8>), LoadError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let limit = kinds::by_name(&name).map_or(nianbao_import::limits::MAX_FILE_BYTES, |k| {
        size_limit(k.kind)
    });
    Ok((name, read_bounded(path, limit)?))
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
        path: Some(path.to_path_buf()),
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
