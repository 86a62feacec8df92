//! Measuring a workbook's package before calamine opens it, so that a zip bomb, a
//! huge shared-string table or a sheet that reaches its millionth row is refused
//! instead of filling the memory (calamine allocates the whole rectangle up to a
//! sheet's last cell). Every part is decompressed once through a counting reader —
//! the sizes a zip declares are not trusted — and every worksheet's cells are
//! counted and placed. The limits are those of [`nianbao_form::limits`].

use std::io::{BufReader, Cursor, Read};

use xlsx_xml::Reader as XmlReader;
use xlsx_xml::events::{BytesStart, Event};

use crate::error::{LoadError, human_size};
use nianbao_form::limits::{
    MAX_SHEET_CELLS, MAX_SHEET_COLUMNS, MAX_SHEET_ROWS, MAX_WORKBOOK_PART_BYTES,
    MAX_WORKBOOK_PARTS, MAX_WORKBOOK_UNPACKED_BYTES,
};

fn refuse(detail: String) -> LoadError {
    LoadError::WorkbookLimit { path: None, detail }
}

/// Counts the bytes read through it, refusing past `limit`.
struct Counted<R> {
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(std::io::Error::other("limit"));
        }
        Ok(n)
    }
}

/// A part's name as calamine matches it: `\` read as `/`, without case.
fn normal(name: &str) -> String {
    name.replace('\\', "/").to_ascii_lowercase()
}

/// Whether a part holds XML (after a byte-order mark and white space, a `<`).
fn is_xml(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<')
}

/// Checks a workbook's package against the limits.
///
/// Every part is decompressed once through a counting reader. Every part that holds
/// XML is read as a worksheet might be (calamine finds worksheets through the
/// relationships, by names of any case): where its cells reach, how many there are,
/// the index of each shared formula, and how much shared-string text its cells
/// would copy (calamine copies a shared string into every cell that uses it).
///
/// # Errors
/// [`LoadError::WorkbookLimit`] naming the part and the limit it goes past;
/// [`LoadError::NotWorkbook`] when the bytes are not a zip package at all.
pub fn check_package(bytes: &[u8]) -> Result<(), LoadError> {
    let not_workbook = |e: xlsx_zip::result::ZipError| LoadError::NotWorkbook {
        path: None,
        cause: e.to_string(),
    };
    let mut zip = xlsx_zip::ZipArchive::new(Cursor::new(bytes)).map_err(not_workbook)?;
    if zip.len() > MAX_WORKBOOK_PARTS {
        return Err(refuse(format!(
            "包含 {} 个部件，上限 {MAX_WORKBOOK_PARTS}",
            zip.len()
        )));
    }
    // The shared strings first: the length of each, for what cells copy.
    let mut shared: Vec<u64> = Vec::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(not_workbook)?;
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        if !normal(&name).ends_with("sharedstrings.xml") {
            continue;
        }
        let mut counted = Counted {
            inner: &mut part,
            read: 0,
            limit: MAX_WORKBOOK_PART_BYTES,
        };
        shared = shared_string_lengths(&mut counted).map_err(|_| {
            refuse(format!(
                "部件 {name} 无法读取或解压后超过 {}",
                human_size(MAX_WORKBOOK_PART_BYTES)
            ))
        })?;
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(not_workbook)?;
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let limit = MAX_WORKBOOK_PART_BYTES.min(MAX_WORKBOOK_UNPACKED_BYTES.saturating_sub(total));
        let mut counted = Counted {
            inner: &mut part,
            read: 0,
            limit,
        };
        let too_big = |limit: u64| {
            refuse(format!(
                "部件 {name} 解压后超过 {}（单个部件上限 {}，全部上限 {}）",
                human_size(limit),
                human_size(MAX_WORKBOOK_PART_BYTES),
                human_size(MAX_WORKBOOK_UNPACKED_BYTES)
            ))
        };
        let mut head = [0u8; 64];
        let mut got = 0;
        while got < head.len() {
            match counted.read(&mut head[got..]) {
                Ok(0) => break,
                Ok(n) => got += n,
                Err(_) if counted.read > counted.limit => return Err(too_big(limit)),
                Err(_) => {
                    return Err(LoadError::NotWorkbook {
                        path: None,
                        cause: format!("部件 {name} 无法解压"),
                    });
                }
            }
        }
        if is_xml(&head[..got]) {
            let xml = (&head[..got]).chain(&mut counted);
            match sheet_extent(xml, &shared) {
                Ok(()) => {}
                Err(SheetProblem::Limit) if counted.read > counted.limit => {
                    return Err(too_big(limit));
                }
                Err(SheetProblem::Limit) => {
                    return Err(LoadError::NotWorkbook {
                        path: None,
                        cause: format!("部件 {name} 不是可读取的 XML"),
                    });
                }
                Err(SheetProblem::Extent(detail)) => {
                    return Err(refuse(format!("部件 {name} {detail}")));
                }
            }
        }
        // Count what was left unread, too.
        if std::io::copy(&mut counted, &mut std::io::sink()).is_err() {
            if counted.read > counted.limit {
                return Err(too_big(limit));
            }
            return Err(LoadError::NotWorkbook {
                path: None,
                cause: format!("部件 {name} 无法解压"),
            });
        }
        total += counted.read;
    }
    Ok(())
}

/// The length in bytes of the text of each `<si>` of a shared-strings part.
fn shared_string_lengths(xml: impl Read) -> Result<Vec<u64>, ()> {
    let mut reader = XmlReader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    let mut out = Vec::new();
    let mut inside = false;
    loop {
        match reader.read_event_into(&mut buf).map_err(|_| ())? {
            Event::Eof => return Ok(out),
            Event::Start(e) if e.local_name().as_ref() == "si" => {
                out.push(0);
                inside = true;
            }
            Event::Empty(e) if e.local_name().as_ref() == "si" => out.push(0),
            Event::End(e) if e.local_name().as_ref() == "si" => inside = false,
            Event::Text(t) if inside => {
                if let Some(last) = out.last_mut() {
                    *last += t.len() as u64;
                }
            }
            _ => {}
        }
        buf.clear();
    }
}

enum SheetProblem {
    /// The XML could not be read (or went past the byte limit).
    Limit,
    /// Cells beyond the limits, in Chinese.
    Extent(String),
}

/// A cell reference's 1-based row and column: `AB12` → (12, 28); `None` when it is
/// no reference (what cannot be read is refused, never taken as the next cell).
fn cell_ref(r: &[u8]) -> Option<(u64, u64)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    let (col, row) = r.split_at(letters);
    if letters == 0 || letters > 3 || row.is_empty() || row.len() > 7 {
        return None;
    }
    let col = col.iter().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row = std::str::from_utf8(row).ok()?.parse().ok()?;
    Some((row, col))
}

fn attribute(e: &BytesStart<'_>, name: &str) -> Option<Vec<u8>> {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .map(|a| a.value.as_bytes().to_vec())
}

/// Reads a worksheet's XML and checks where its cells reach: rows and columns as the
/// spreadsheet reader will place them (a `<c>` without `r` follows the one before),
/// merged ranges, the count of cells, shared formulas' indexes, and the shared-string
/// text its cells copy (`shared`: the length of each shared string).
fn sheet_extent(xml: impl Read, shared: &[u64]) -> Result<(), SheetProblem> {
    let mut reader = XmlReader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    let (mut row, mut col, mut cells) = (0u64, 0u64, 0u64);
    let (mut shared_cell, mut in_value, mut copied) = (false, false, 0u64);
    let beyond = |row: u64, col: u64| -> Option<String> {
        if row > u64::from(MAX_SHEET_ROWS) {
            Some(format!("有第 {row} 行的单元格（上限 {MAX_SHEET_ROWS} 行）"))
        } else if col > u64::from(MAX_SHEET_COLUMNS) {
            Some(format!(
                "有第 {col} 列的单元格（上限 {MAX_SHEET_COLUMNS} 列）"
            ))
        } else {
            None
        }
    };
    let bad_reference = |r: &[u8]| {
        SheetProblem::Extent(format!(
            "有无法识别的单元格引用 “{}”",
            String::from_utf8_lossy(&r[..r.len().min(20)])
        ))
    };
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| SheetProblem::Limit)?;
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    row = match attribute(&e, "r") {
                        Some(r) => std::str::from_utf8(&r)
                            .ok()
                            .and_then(|s| s.parse().ok())
                            .filter(|n: &u64| *n <= u64::from(u32::MAX))
                            .ok_or_else(|| bad_reference(&r))?,
                        None => row + 1,
                    };
                    col = 0;
                    if let Some(detail) = beyond(row, 1) {
                        return Err(SheetProblem::Extent(detail));
                    }
                }
                "c" => {
                    cells += 1;
                    if cells > MAX_SHEET_CELLS {
                        return Err(SheetProblem::Extent(format!(
                            "的单元格超过 {MAX_SHEET_CELLS} 个"
                        )));
                    }
                    match attribute(&e, "r") {
                        Some(r) => (row, col) = cell_ref(&r).ok_or_else(|| bad_reference(&r))?,
                        None => col += 1,
                    }
                    if let Some(detail) = beyond(row.max(1), col) {
                        return Err(SheetProblem::Extent(detail));
                    }
                    shared_cell = attribute(&e, "t").as_deref() == Some(b"s");
                }
                "v" => in_value = true,
                "f" => {
                    if let Some(si) = attribute(&e, "si") {
                        let index = std::str::from_utf8(&si)
                            .ok()
                            .and_then(|s| s.parse::<u64>().ok());
                        if index.is_none_or(|i| i >= MAX_SHEET_CELLS) {
                            return Err(SheetProblem::Extent(format!(
                                "的共享公式编号 “{}” 超出范围（上限 {MAX_SHEET_CELLS}）",
                                String::from_utf8_lossy(&si[..si.len().min(20)])
                            )));
                        }
                    }
                }
                "mergeCell" => {
                    if let Some(r) = attribute(&e, "ref") {
                        for end in r.split(|b| *b == b':') {
                            let (rr, cc) = cell_ref(end).ok_or_else(|| bad_reference(&r))?;
                            if let Some(detail) = beyond(rr, cc) {
                                return Err(SheetProblem::Extent(format!("的合并单元格{detail}")));
                            }
                        }
                    }
                }
                _ => {}
            },
            Event::End(e) if e.local_name().as_ref() == "v" => in_value = false,
            Event::Text(t) if in_value && shared_cell => {
                let text: &str = t.as_ref();
                let index = text.trim().parse::<usize>().ok();
                if let Some(len) = index.and_then(|i| shared.get(i)) {
                    copied += len;
                    if copied > MAX_WORKBOOK_UNPACKED_BYTES {
                        return Err(SheetProblem::Extent(format!(
                            "的单元格引用的共享文字共超过 {}",
                            human_size(MAX_WORKBOOK_UNPACKED_BYTES)
                        )));
                    }
                }
            }
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_ref(b"A1"), Some((1, 1)));
        assert_eq!(cell_ref(b"AB12"), Some((12, 28)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_576, 16_384)));
        assert_eq!(cell_ref(b"12"), None);
        assert_eq!(cell_ref(b"A"), None);
    }

    #[test]
    fn a_far_cell_is_refused() {
        let xml = r#"<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#;
        assert!(
            matches!(sheet_extent(xml.as_bytes(), &[]), Err(SheetProblem::Extent(d)) if d.contains("1048576"))
        );
        let merged = r#"<worksheet><sheetData/><mergeCells><mergeCell ref="A1:Z90000"/></mergeCells></worksheet>"#;
        assert!(
            matches!(sheet_extent(merged.as_bytes(), &[]), Err(SheetProblem::Extent(d)) if d.contains("合并"))
        );
        let fine =
            r#"<worksheet><sheetData><row><c><v>1</v></c><c/></row></sheetData></worksheet>"#;
        assert!(sheet_extent(fine.as_bytes(), &[]).is_ok());
    }
}
