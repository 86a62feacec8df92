//! The one list of the file kinds nianbao reads: its name, extensions, media type,
//! how its first bytes look, and whether it holds a report's data or a published
//! report. The command line (which files a folder holds, which a command takes), the
//! web app (what an upload is, the page's `accept` list, served by the API), the
//! audit and [`crate::read`] all ask this list, so that a new input kind is one reader
//! and one row here.

use std::path::Path;

/// What a file of a kind holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A report's data: YAML, JSON, TOML or the fill-in workbook. `render DIR` takes
    /// these, and nianbao writes them.
    Data,
    /// A report as its body published it (DOCX, HTML, PDF), read back by
    /// `nianbao-import`. `render DIR` leaves these alone: they may be its own output.
    Published,
    /// A kind that is recognised only to say what to do with it (the legacy binary
    /// `.doc`/`.wps`): reading it is refused with that advice.
    Refused,
}

/// Which reader reads a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// JSON (`.json`).
    Json,
    /// TOML (`.toml`).
    Toml,
    /// The fill-in workbook (`.xlsx`, an Office Open XML spreadsheet).
    Workbook,
    /// A Word document (`.docx`).
    Docx,
    /// A portal's web page (`.html`, `.htm`, `.shtml`, `.xhtml`).
    Html,
    /// A PDF with a text layer.
    Pdf,
    /// A legacy Word/WPS binary file (an OLE compound file).
    LegacyWord,
}

/// One row of the list of file kinds.
#[derive(Clone, Copy, Debug, serde::Serialize)]
pub struct FileKind {
    /// Which reader reads it.
    pub kind: Kind,
    /// The name users know (`YAML`, `Excel/WPS 工作簿`, `Word 文档` …).
    pub name: &'static str,
    /// The file name extensions, lower case, without the dot; the first is the one
    /// nianbao writes.
    pub extensions: &'static [&'static str],
    /// The media type (IANA) of the kind.
    pub media_type: &'static str,
    /// What a file of the kind holds.
    pub role: Role,
}

/// Every kind nianbao knows, data first, in the order messages list them.
pub const KINDS: [FileKind; 8] = [
    FileKind {
        kind: Kind::Yaml,
        name: "YAML",
        extensions: &["yaml", "yml"],
        media_type: "application/yaml",
        role: Role::Data,
    },
    FileKind {
        kind: Kind::Json,
        name: "JSON",
        extensions: &["json"],
        media_type: "application/json",
        role: Role::Data,
    },
    FileKind {
        kind: Kind::Toml,
        name: "TOML",
        extensions: &["toml"],
        media_type: "application/toml",
        role: Role::Data,
    },
    FileKind {
        kind: Kind::Workbook,
        name: "Excel/WPS 工作簿",
        extensions: &["xlsx"],
        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        role: Role::Data,
    },
    FileKind {
        kind: Kind::Docx,
        name: "Word 文档",
        extensions: &["docx"],
        media_type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        role: Role::Published,
    },
    FileKind {
        kind: Kind::Html,
        name: "网页",
        extensions: &["html", "htm", "shtml", "xhtml"],
        media_type: "text/html",
        role: Role::Published,
    },
    FileKind {
        kind: Kind::Pdf,
        name: "PDF",
        extensions: &["pdf"],
        media_type: "application/pdf",
        role: Role::Published,
    },
    FileKind {
        kind: Kind::LegacyWord,
        name: "旧版 Word/WPS 文件",
        extensions: &["doc", "wps"],
        media_type: "application/msword",
        role: Role::Refused,
    },
];

impl Kind {
    /// This kind's row of [`KINDS`].
    pub fn row(self) -> &'static FileKind {
        KINDS
            .iter()
            .find(|k| k.kind == self)
            .expect("every kind has a row")
    }
}

/// The kind a file name says, by its extension (any case); `None` for the lock
/// files office programs keep beside an open document (`~$report.xlsx`) and for
/// names of no kind.
pub fn by_name(name: &str) -> Option<&'static FileKind> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.starts_with("~$") {
        return None;
    }
    let (_, ext) = base.rsplit_once('.')?;
    KINDS
        .iter()
        .find(|k| k.extensions.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

/// The kind of a path by its name ([`by_name`]).
pub fn by_path(path: &Path) -> Option<&'static FileKind> {
    by_name(&path.file_name()?.to_string_lossy())
}

/// Whether a path names a file of `role` by its name (no file is opened).
pub fn is(path: &Path, role: Role) -> bool {
    by_path(path).is_some_and(|k| k.role == role)
}

/// How many first bytes [`of`] looks at for a text kind's marks.
const HEAD: usize = 1024;

/// The kind of a file from its name and its first bytes. The bytes decide for the
/// binary kinds whatever the name says (a PDF saved as `.html` is read as a PDF, a
/// legacy `.doc` renamed `.docx` is refused as one); a zip package is the zip kind its
/// name says, else a Word document when it holds `word/document.xml`, a workbook when
/// it holds `xl/workbook`. Text is the kind its name says (a
/// text file named as a binary kind is HTML when it holds markup); a name without an
/// extension (an upload with no name) is HTML when the text starts with `<` and JSON
/// when it starts with `{`. `None` when neither tells, and for a name of another
/// kind (`README.md`).
pub fn of(name: &str, bytes: &[u8]) -> Option<&'static FileKind> {
    let named = by_name(name);
    let named_kind = named.map(|k| k.kind);
    let head = &bytes[..bytes.len().min(HEAD)];
    let found = if bytes.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Kind::LegacyWord
    } else if bytes.starts_with(b"PK\x03\x04") {
        // A zip package: a name of a zip kind decides; else what it holds (a Word
        // document may embed a chart's workbook, so word/document.xml goes first).
        match named_kind {
            Some(k @ (Kind::Workbook | Kind::Docx)) => k,
            _ if bytes.windows(17).any(|w| w == b"word/document.xml") => Kind::Docx,
            _ if bytes.windows(11).any(|w| w == b"xl/workbook") => Kind::Workbook,
            _ => Kind::Docx,
        }
    } else if head.windows(5).any(|w| w == b"%PDF-") {
        Kind::Pdf
    } else {
        let text = head
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(head)
            .trim_ascii_start();
        let has_extension = name
            .rsplit(['/', '\\'])
            .next()
            .is_some_and(|base| base.contains('.'));
        match named_kind {
            Some(k @ (Kind::Yaml | Kind::Json | Kind::Toml | Kind::Html | Kind::Workbook)) => k,
            // A page saved under a binary kind's name (a portal's "PDF" link).
            Some(_) if head.contains(&b'<') => Kind::Html,
            Some(k) => k,
            // A name of another kind (`README.md`, `notes.txt`) is none of ours.
            None if has_extension => return None,
            None if text.starts_with(b"<") => Kind::Html,
            None if text.starts_with(b"{") => Kind::Json,
            None => return None,
        }
    };
    Some(found.row())
}

/// The extensions of the kinds of `role` (every readable kind for `None`), as
/// messages list them: `.yaml、.yml、.json …`.
pub fn extensions_listed(role: Option<Role>) -> String {
    readable(role)
        .flat_map(|k| k.extensions.iter())
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join("、")
}

/// The extensions of every readable kind as an HTML `accept` attribute wants them:
/// `.yaml,.yml,…,.pdf`.
pub fn accept_attribute() -> String {
    readable(None)
        .flat_map(|k| k.extensions.iter())
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// The kinds that are read (not [`Role::Refused`]) of `role`, or all of them.
pub fn readable(role: Option<Role>) -> impl Iterator<Item = &'static FileKind> {
    KINDS
        .iter()
        .filter(move |k| k.role != Role::Refused && role.is_none_or(|r| k.role == r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_bytes_decide_as_documented() {
        assert_eq!(by_name("a/B.YML").map(|k| k.kind), Some(Kind::Yaml));
        assert_eq!(by_name("x.shtml").map(|k| k.kind), Some(Kind::Html));
        assert!(by_name("~$book.xlsx").is_none());
        assert!(by_name("README").is_none());
        assert_eq!(
            of("report.html", b"%PDF-1.7\n").map(|k| k.kind),
            Some(Kind::Pdf)
        );
        assert_eq!(
            of("report.docx", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest").map(|k| k.kind),
            Some(Kind::LegacyWord)
        );
        assert_eq!(
            of("upload", b"PK\x03\x04....xl/workbook.xml").map(|k| k.kind),
            Some(Kind::Workbook)
        );
        assert_eq!(
            of("upload", b"PK\x03\x04....word/document.xml").map(|k| k.kind),
            Some(Kind::Docx)
        );
        assert_eq!(
            of("page.pdf", b"<html><body>").map(|k| k.kind),
            Some(Kind::Html)
        );
        assert_eq!(of("data", b" {\"a\": 1}").map(|k| k.kind), Some(Kind::Json));
        assert_eq!(
            of("upload", b"\n<!DOCTYPE html>").map(|k| k.kind),
            Some(Kind::Html)
        );
        assert!(of("README.md", b"# notes <b>bold</b>").is_none());
        assert_eq!(of("r.yaml", b"a: <b>").map(|k| k.kind), Some(Kind::Yaml));
        assert!(of("notes.txt", b"plain words").is_none());
        // A Word document with an embedded chart workbook, uploaded without a name.
        assert_eq!(
            of("upload", b"PK\x03\x04..word/document.xml..xl/workbook.xml").map(|k| k.kind),
            Some(Kind::Docx)
        );
    }

    #[test]
    fn lists_come_from_the_table() {
        assert_eq!(
            extensions_listed(Some(Role::Data)),
            ".yaml、.yml、.json、.toml、.xlsx"
        );
        assert!(accept_attribute().ends_with(".pdf"));
        assert!(!accept_attribute().contains("doc,"));
    }
}
