//! Reading a Word document (`.docx`, from Word or WPS): the paragraphs of the body
//! and its tables as grids, `w:gridSpan` and `w:vMerge` spread over the columns and
//! rows they cover. The package is read through a counting reader (a zip bomb is
//! refused at [`limits::MAX_DOCX_PART_BYTES`], whatever sizes the zip declares).

use std::io::{Cursor, Read};

use nianbao_form::diag::SourcePlace;
use xlsx_xml::Reader as XmlReader;
use xlsx_xml::events::{BytesStart, Event};

use crate::error::ImportError;
use crate::limits;
use crate::source::{Block, Kind, ORDER_STRIDE, PageMeta, Para, Row, Source, Table, plain};

/// The bytes of `word/document.xml`, decompressed within the limit.
fn document_xml(bytes: &[u8]) -> Result<Vec<u8>, ImportError> {
    let mut zip = xlsx_zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ImportError::Malformed(format!("不是有效的 DOCX（zip）文件：{e}")))?;
    if zip.len() > limits::MAX_DOCX_ENTRIES {
        return Err(ImportError::TooLarge(format!(
            "DOCX 包含 {} 个部件，超过 {} 个的上限",
            zip.len(),
            limits::MAX_DOCX_ENTRIES
        )));
    }
    let name = (0..zip.len())
        .filter_map(|i| {
            zip.name_for_index(i)
                .and_then(|n| n.ok())
                .map(|n| n.to_string())
        })
        .find(|n| {
            n.replace('\\', "/")
                .eq_ignore_ascii_case("word/document.xml")
        })
        .ok_or_else(|| ImportError::Malformed("DOCX 中没有正文部件 word/document.xml".into()))?;
    let part = zip
        .by_name(&name)
        .map_err(|e| ImportError::Malformed(format!("无法打开 {name}：{e}")))?;
    let mut out = Vec::new();
    part.take(limits::MAX_DOCX_PART_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| ImportError::Malformed(format!("无法解压 {name}：{e}")))?;
    if out.len() as u64 > limits::MAX_DOCX_PART_BYTES {
        return Err(ImportError::TooLarge(format!(
            "正文部件解压后超过 {} MiB",
            limits::MAX_DOCX_PART_BYTES / 1024 / 1024
        )));
    }
    Ok(out)
}

fn attr_val(e: &BytesStart<'_>, key: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.local_name().as_ref() == key).then(|| a.value.to_string()))
}

/// A cell being read.
#[derive(Default)]
struct CellBuf {
    text: String,
    span: usize,
    /// `Some(true)` restart, `Some(false)` continue, `None` not merged.
    vmerge: Option<bool>,
}

/// A table being read: rows of cells.
#[derive(Default)]
struct TableBuf {
    rows: Vec<(usize, Vec<CellBuf>)>,
}

/// Reads a DOCX.
///
/// # Errors
/// [`ImportError::Malformed`] for a broken package or XML, [`ImportError::TooLarge`]
/// past the limits.
pub fn read(bytes: &[u8]) -> Result<Source, ImportError> {
    let xml = document_xml(bytes)?;
    let mut reader = XmlReader::from_reader(xml.as_slice());
    reader.config_mut().trim_text(false);
    let mut buf = Vec::new();
    let mut blocks: Vec<Block> = Vec::new();
    // Open tables (a nested table's text goes into its outer cell).
    let mut tables: Vec<TableBuf> = Vec::new();
    let mut para = String::new();
    let mut in_text = false;
    let mut skip_depth: Option<usize> = None;
    let mut depth = 0usize;
    let mut paragraph_no = 0u32;
    let mut table_no = 0u32;
    let mut order = 0usize;
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| ImportError::Malformed(format!("正文 XML 有误：{e}")))?;
        match event {
            Event::Start(e) => {
                depth += 1;
                if depth > limits::MAX_DEPTH {
                    return Err(ImportError::TooLarge(format!(
                        "正文 XML 嵌套超过 {} 层",
                        limits::MAX_DEPTH
                    )));
                }
                if skip_depth.is_some() {
                    buf.clear();
                    continue;
                }
                match e.local_name().as_ref() {
                    // Deleted text, field codes and the fallback copy of drawings.
                    "delText" | "instrText" | "Fallback" | "moveFrom" => skip_depth = Some(depth),
                    "t" => in_text = true,
                    "tbl" => {
                        if tables.is_empty() {
                            flush_para(&mut para, &mut blocks, &mut paragraph_no, &mut order);
                        }
                        tables.push(TableBuf::default());
                    }
                    "tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.rows.push((0, Vec::new()));
                        }
                    }
                    "tc" => {
                        if let Some((_, cells)) = tables.last_mut().and_then(|t| t.rows.last_mut())
                        {
                            cells.push(CellBuf {
                                span: 1,
                                ..CellBuf::default()
                            });
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) => {
                if skip_depth.is_some() {
                    buf.clear();
                    continue;
                }
                match e.local_name().as_ref() {
                    "gridSpan" => {
                        let span = attr_val(&e, "val")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(1);
                        if let Some(c) = current_cell(&mut tables) {
                            c.span = usize::clamp(span, 1, limits::MAX_SPAN);
                        }
                    }
                    "vMerge" => {
                        let restart = attr_val(&e, "val").is_some_and(|v| v == "restart");
                        if let Some(c) = current_cell(&mut tables) {
                            c.vmerge = Some(restart);
                        }
                    }
                    "gridBefore" => {
                        let n = attr_val(&e, "val")
                            .and_then(|v| v.parse().ok())
                            .unwrap_or(0);
                        if let Some((before, _)) = tables.last_mut().and_then(|t| t.rows.last_mut())
                        {
                            *before = usize::min(n, limits::MAX_SPAN);
                        }
                    }
                    "tab" | "br" | "cr" => push_text(&mut tables, &mut para, " "),
                    "noBreakHyphen" => push_text(&mut tables, &mut para, "-"),
                    _ => {}
                }
            }
            Event::Text(t) if in_text && skip_depth.is_none() => {
                let text = t.xml10_content();
                push_text(&mut tables, &mut para, &text);
            }
            Event::GeneralRef(r) if in_text && skip_depth.is_none() => {
                let name: String = r.as_ref().to_string();
                let ch = match name.as_str() {
                    "amp" => Some('&'),
                    "lt" => Some('<'),
                    "gt" => Some('>'),
                    "quot" => Some('"'),
                    "apos" => Some('\''),
                    n => n
                        .strip_prefix("#x")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .or_else(|| n.strip_prefix('#').and_then(|d| d.parse().ok()))
                        .and_then(char::from_u32),
                };
                if let Some(c) = ch.filter(|c| !c.is_control() || c.is_whitespace()) {
                    push_text(&mut tables, &mut para, &c.to_string());
                }
            }
            Event::End(e) => {
                if let Some(d) = skip_depth
                    && d == depth
                {
                    skip_depth = None;
                }
                depth = depth.saturating_sub(1);
                if skip_depth.is_some() {
                    buf.clear();
                    continue;
                }
                match e.local_name().as_ref() {
                    "t" => in_text = false,
                    "p" => {
                        if tables.is_empty() {
                            flush_para(&mut para, &mut blocks, &mut paragraph_no, &mut order);
                        } else {
                            push_text(&mut tables, &mut para, " ");
                        }
                    }
                    "tbl" => {
                        let Some(t) = tables.pop() else { continue };
                        if let Some(outer) = tables.last_mut() {
                            // A nested table: its text joins the outer cell.
                            let text: Vec<String> = t
                                .rows
                                .iter()
                                .flat_map(|(_, cells)| cells.iter().map(|c| c.text.clone()))
                                .collect();
                            if let Some(c) = outer.rows.last_mut().and_then(|r| r.1.last_mut()) {
                                c.text.push(' ');
                                c.text.push_str(&text.join(" "));
                            }
                        } else {
                            table_no += 1;
                            blocks.push(Block::Table(grid(t, table_no, &mut order)?));
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    flush_para(&mut para, &mut blocks, &mut paragraph_no, &mut order);
    Ok(Source {
        kind: Kind::Docx,
        blocks,
        meta: PageMeta::default(),
        diags: Vec::new(),
    })
}

fn current_cell(tables: &mut [TableBuf]) -> Option<&mut CellBuf> {
    tables.last_mut()?.rows.last_mut()?.1.last_mut()
}

fn push_text(tables: &mut [TableBuf], para: &mut String, text: &str) {
    if tables.is_empty() {
        if para.len() < 1_000_000 {
            para.push_str(text);
        }
    } else if let Some(c) = current_cell(tables)
        && c.text.chars().count() < limits::MAX_CELL_CHARS
    {
        c.text.push_str(text);
    }
}

fn flush_para(para: &mut String, blocks: &mut Vec<Block>, number: &mut u32, order: &mut usize) {
    let text = plain(para);
    para.clear();
    if text.is_empty() {
        return;
    }
    *number += 1;
    *order += 1;
    blocks.push(Block::Para(Para {
        text,
        place: SourcePlace {
            paragraph: *number,
            ..SourcePlace::default()
        },
        order: *order * ORDER_STRIDE,
    }));
}

/// Rows of cells → a grid table: each cell at the grid columns it spans; a
/// `w:vMerge` continuation shows the text of the cell it continues.
fn grid(t: TableBuf, number: u32, order: &mut usize) -> Result<Table, ImportError> {
    if t.rows.len() > limits::MAX_TABLE_ROWS {
        return Err(ImportError::TooLarge(format!(
            "第{number}个表格有 {} 行，超过 {} 行的上限",
            t.rows.len(),
            limits::MAX_TABLE_ROWS
        )));
    }
    *order += 1;
    let base = *order * ORDER_STRIDE;
    let mut table = Table {
        grid: true,
        ..Table::default()
    };
    // The text of the last restarted merge per grid column.
    let mut merge_text: Vec<Option<String>> = Vec::new();
    for (r, (before, cells)) in t.rows.into_iter().enumerate() {
        let mut row = Row {
            y: r as f64,
            order: base + r,
            ..Row::default()
        };
        let mut col = before;
        for cell in cells {
            let span = cell.span;
            if col + span > limits::MAX_TABLE_COLUMNS {
                break;
            }
            if merge_text.len() < col + span {
                merge_text.resize(col + span, None);
            }
            let (text, spread) = match cell.vmerge {
                Some(false) => (merge_text[col].clone().unwrap_or_default(), true),
                Some(true) => {
                    let text = plain(&cell.text);
                    // A merged label is copied into the rows it covers: a label's
                    // length at most.
                    merge_text[col] = Some(text.chars().take(200).collect());
                    merge_text[col + 1..col + span].fill(None);
                    (text, false)
                }
                None => {
                    merge_text[col..col + span].fill(None);
                    (plain(&cell.text), false)
                }
            };
            row.push_cell(text, number, r, col, span, spread);
            col += span;
        }
        table.rows.push(row);
    }
    Ok(table)
}
