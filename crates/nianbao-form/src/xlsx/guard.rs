//! Measuring a workbook's package before calamine opens it, so that a zip bomb, a
//! huge shared-string table or a sheet that reaches its millionth row is refused
//! instead of filling the memory (calamine allocates the whole rectangle up to a
//! sheet's last cell). Every part is decompressed once through a counting reader —
//! the sizes a zip declares are not trusted — and every worksheet's cells are
//! counted and placed. The limits are those of [`crate::limits`].

use std::io::{BufReader, Cursor, Read};

use xlsx_xml::Reader as XmlReader;
use xlsx_xml::events::{BytesStart, Event};

use crate::error::{LoadError, human_size};
use crate::limits::{
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

/// Checks a workbook's package against the limits.
///
/// # Errors
/// [`LoadError::WorkbookLimit`] naming the part and the limit it goes past;
/// [`LoadError::NotWorkbook`] when the bytes are not a zip package at all.
pub fn check_package(bytes: &[u8]) -> Result<(), LoadError> {
    let mut zip =
        xlsx_zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| LoadError::NotWorkbook {
            path: None,
            cause: e.to_string(),
        })?;
    if zip.len() > MAX_WORKBOOK_PARTS {
        return Err(refuse(format!(
            "包含 {} 个部件，上限 {MAX_WORKBOOK_PARTS}",
            zip.len()
        )));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).map_err(|e| LoadError::NotWorkbook {
            path: None,
            cause: e.to_string(),
        })?;
        let name = part.name().map(|n| n.to_string()).unwrap_or_default();
        let limit = MAX_WORKBOOK_PART_BYTES.min(MAX_WORKBOOK_UNPACKED_BYTES - total);
        let mut counted = Counted {
            inner: &mut part,
            read: 0,
            limit,
        };
        let too_big = || {
            refuse(format!(
                "部件 {name} 解压后超过 {}（单个部件上限 {}，全部上限 {}）",
                human_size(limit),
                human_size(MAX_WORKBOOK_PART_BYTES),
                human_size(MAX_WORKBOOK_UNPACKED_BYTES)
            ))
        };
        let is_sheet = name.starts_with("xl/worksheets/") && name.ends_with(".xml");
        if is_sheet {
            match sheet_extent(&mut counted) {
                Ok(()) => {}
                Err(SheetProblem::Limit) if counted.read > counted.limit => return Err(too_big()),
                Err(SheetProblem::Limit) => {
                    return Err(LoadError::NotWorkbook {
                        path: None,
                        cause: format!("部件 {name} 无法读取"),
                    });
                }
                Err(SheetProblem::Extent(detail)) => {
                    return Err(refuse(format!("工作表 {name} {detail}")));
                }
            }
        } else if std::io::copy(&mut counted, &mut std::io::sink()).is_err() {
            if counted.read > counted.limit {
                return Err(too_big());
            }
            return Err(LoadError::NotWorkbook {
                path: None,
                cause: format!("部件 {name} 无法解压"),
            });
        }
        // Count what the sheet reader left unread, too.
        if std::io::copy(&mut counted, &mut std::io::sink()).is_err()
            && counted.read > counted.limit
        {
            return Err(too_big());
        }
        total += counted.read;
    }
    Ok(())
}

enum SheetProblem {
    /// The XML could not be read (or went past the byte limit).
    Limit,
    /// Cells beyond the limits, in Chinese.
    Extent(String),
}

/// A cell reference's 1-based row and column: `AB12` → (12, 28).
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
/// merged ranges, and the count of cells.
fn sheet_extent(xml: impl Read) -> Result<(), SheetProblem> {
    let mut reader = XmlReader::from_reader(BufReader::new(xml));
    let mut buf = Vec::new();
    let (mut row, mut col, mut cells) = (0u64, 0u64, 0u64);
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
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|_| SheetProblem::Limit)?;
        match event {
            Event::Eof => return Ok(()),
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "row" => {
                    row = match attribute(&e, "r")
                        .and_then(|r| std::str::from_utf8(&r).ok()?.parse().ok())
                    {
                        Some(r) => r,
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
                    match attribute(&e, "r").as_deref().and_then(cell_ref) {
                        Some((r, c)) => (row, col) = (r, c),
                        None => col += 1,
                    }
                    if let Some(detail) = beyond(row.max(1), col) {
                        return Err(SheetProblem::Extent(detail));
                    }
                }
                "mergeCell" => {
                    let reach = attribute(&e, "ref").and_then(|r| {
                        let end = r.split(|b| *b == b':').next_back()?.to_vec();
                        cell_ref(&end)
                    });
                    if let Some((r, c)) = reach
                        && let Some(detail) = beyond(r, c)
                    {
                        return Err(SheetProblem::Extent(format!("的合并单元格{detail}")));
                    }
                }
                _ => {}
            },
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
            matches!(sheet_extent(xml.as_bytes()), Err(SheetProblem::Extent(d)) if d.contains("1048576"))
        );
        let merged = r#"<worksheet><sheetData/><mergeCells><mergeCell ref="A1:Z90000"/></mergeCells></worksheet>"#;
        assert!(
            matches!(sheet_extent(merged.as_bytes()), Err(SheetProblem::Extent(d)) if d.contains("合并"))
        );
        let fine =
            r#"<worksheet><sheetData><row><c><v>1</v></c><c/></row></sheetData></worksheet>"#;
        assert!(sheet_extent(fine.as_bytes()).is_ok());
    }
}
