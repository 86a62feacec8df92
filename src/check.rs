//! Reading a report file and checking it: the library side of `nianbao check`.

use std::path::Path;

use crate::decode::{self, Decoded};
use crate::diag::Diagnostic;
use crate::expr;
use crate::rules;
use crate::tree::{self, Format};
use crate::xlsx;

/// A file that could not be read at all (exit status 2, not a diagnostic).
#[derive(Debug)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads a report from text in the given format.
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

/// The report file types, as named in messages.
pub const FILE_TYPES: &str = ".yaml、.yml、.json、.toml、.xlsx";

/// Whether a file is a report by its extension (.yaml .yml .json .toml .xlsx), leaving
/// out the lock files office programs keep beside an open workbook (`~$report.xlsx`).
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
pub fn read_file(path: &Path) -> Result<Decoded, ReadError> {
    if is_workbook(path) {
        return xlsx::read_path(path);
    }
    let format = Format::from_path(path).ok_or_else(|| {
        ReadError(format!(
            "{}：无法识别的文件类型（应为 {FILE_TYPES} 之一）",
            path.display()
        ))
    })?;
    let bytes = std::fs::read(path)
        .map_err(|e| ReadError(format!("{}：无法读取文件：{e}", path.display())))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        ReadError(format!(
            "{}：文件不是 UTF-8 编码（第 {} 字节起）；请另存为 UTF-8",
            path.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    Ok(read_str(&text, format))
}

/// Every diagnostic for a report: input problems, the rules within the report,
/// the expressions in its prose and, with last year's report, the cross-year rules.
pub fn diagnostics(decoded: &Decoded, previous: Option<&Decoded>) -> Vec<Diagnostic> {
    let mut out = decoded.diags.clone();
    if let Some(report) = &decoded.report {
        let cx = rules::Context {
            positions: &decoded.positions,
            invalid: &decoded.invalid,
        };
        out.extend(rules::check(report, &cx));
        out.extend(expr::check(report, &decoded.positions));
        if let Some(prev) = previous.and_then(|p| p.report.as_ref()) {
            out.extend(rules::check_previous(report, prev, &cx));
        }
    }
    out.sort_by_key(|d| {
        d.pos.map_or((usize::MAX, usize::MAX, 0), |p| {
            (xlsx::sheet_rank(p.sheet), p.line, 0)
        })
    });
    out
}
