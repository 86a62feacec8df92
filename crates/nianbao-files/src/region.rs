//! The region's files: the roster of the units an office expects reports from (CSV or
//! workbook), and the findings workbook of an audit. The audit itself works on
//! decoded reports ([`nianbao_form::audit`]).

use std::path::Path;

use rust_xlsxwriter::{Format, FormatAlign, Workbook};

use nianbao_form::audit::{Audit, RosterEntry};
use nianbao_form::diag::Rule;
use nianbao_form::limits;
use nianbao_form::model::OrganKind;

use crate::error::WorkbookError;
use crate::kinds;
use crate::read::read_bounded;

/// Reads a roster: a CSV file (UTF-8, with or without a byte-order mark) or a
/// workbook (.xlsx, the first sheet), with a header row holding 机关名称 and
/// optionally 类型 (政府 or 部门).
///
/// # Errors
/// A Chinese message naming the file and, where known, the row.
pub fn read_roster(path: &Path) -> Result<Vec<RosterEntry>, String> {
    let rows: Vec<Vec<String>> = if kinds::by_path(path)
        .is_some_and(|k| k.kind == kinds::Kind::Workbook)
    {
        use calamine::Reader;
        let bytes = read_bounded(path, limits::MAX_WORKBOOK_BYTES).map_err(|e| e.to_string())?;
        crate::xlsx::check_package(&bytes).map_err(|e| e.in_file(path).to_string())?;
        let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes))
            .map_err(|e| format!("{}：不是可读取的工作簿（{e}）", path.display()))?;
        let range = wb
            .worksheet_range_at(0)
            .ok_or_else(|| format!("{}：工作簿没有工作表", path.display()))?
            .map_err(|e| format!("{}：{e}", path.display()))?;
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string().trim().to_string()).collect())
            .collect()
    } else {
        let bytes = read_bounded(path, limits::MAX_TEXT_FILE_BYTES).map_err(|e| e.to_string())?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut rows = Vec::new();
        for (i, record) in reader.records().enumerate() {
            let record = record.map_err(|e| {
                format!(
                    "{} 第 {} 行：不是可读取的 CSV（{e}）",
                    path.display(),
                    i + 1
                )
            })?;
            rows.push(record.iter().map(|c| c.trim().to_string()).collect());
        }
        rows
    };
    let header = rows
        .first()
        .ok_or_else(|| format!("{}：名单是空的", path.display()))?;
    let organ_col = header.iter().position(|h| h == "机关名称").ok_or_else(|| {
        format!(
            "{}：第 1 行没有“机关名称”一列（表头应有 机关名称，可再有 类型）",
            path.display()
        )
    })?;
    let kind_col = header.iter().position(|h| h == "类型");
    let mut out = Vec::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        let organ = row.get(organ_col).cloned().unwrap_or_default();
        if organ.is_empty() {
            continue;
        }
        let kind = match kind_col.and_then(|c| row.get(c)).filter(|k| !k.is_empty()) {
            Some(k) => Some(OrganKind::parse(k).ok_or_else(|| {
                format!(
                    "{} 第 {} 行：类型 “{k}” 应为 政府 或 部门",
                    path.display(),
                    i + 1
                )
            })?),
            None => None,
        };
        out.push(RosterEntry { organ, kind });
    }
    Ok(out)
}

/// The findings workbook: sheet 汇总 (one row per unit: organ, file, edition, year,
/// status, errors, warnings, late, then the count of each rule found) and sheet
/// 问题清单 (one row per finding: unit, rule, the cell in the form's words, expected,
/// found, key/cell/line, message, hint); header rows frozen, filters on, widths that
/// fit.
///
/// # Errors
/// [`WorkbookError::Xlsx`] when rust_xlsxwriter fails.
pub fn to_workbook(audit: &Audit) -> Result<Vec<u8>, WorkbookError> {
    let xlsx = |e: rust_xlsxwriter::XlsxError| WorkbookError::Xlsx(e.to_string());
    let mut wb = Workbook::new();
    let head = Format::new()
        .set_bold()
        .set_background_color(rust_xlsxwriter::Color::RGB(0xF2F2F2))
        .set_align(FormatAlign::Center);
    let wrap = Format::new().set_text_wrap();
    let rules: Vec<&'static str> = Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| audit.units.iter().any(|u| u.by_rule.contains_key(id)))
        .collect();
    {
        let ws = wb.add_worksheet().set_name("汇总").map_err(xlsx)?;
        let mut headers: Vec<String> = [
            "机关名称",
            "文件",
            "表格格式",
            "年度",
            "状态",
            "错误",
            "警告",
            "逾期",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        headers.extend(rules.iter().map(|r| r.to_string()));
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &head)
                .map_err(xlsx)?;
        }
        for (i, u) in audit.units.iter().enumerate() {
            let r = i as u32 + 1;
            ws.write_string(r, 0, &u.organ).map_err(xlsx)?;
            ws.write_string(r, 1, &u.file).map_err(xlsx)?;
            ws.write_string(r, 2, u.edition.as_deref().unwrap_or(""))
                .map_err(xlsx)?;
            if let Some(y) = u.year {
                ws.write_number(r, 3, y as f64).map_err(xlsx)?;
            }
            ws.write_string(r, 4, u.status.chinese()).map_err(xlsx)?;
            ws.write_number(r, 5, u.errors as f64).map_err(xlsx)?;
            ws.write_number(r, 6, u.warnings as f64).map_err(xlsx)?;
            ws.write_string(r, 7, if u.late { "是" } else { "否" })
                .map_err(xlsx)?;
            for (j, rule) in rules.iter().enumerate() {
                let n = u.by_rule.get(rule).copied().unwrap_or(0);
                ws.write_number(r, 8 + j as u16, n as f64).map_err(xlsx)?;
            }
        }
        let widths = [28.0, 36.0, 10.0, 8.0, 10.0, 8.0, 8.0, 6.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w).map_err(xlsx)?;
        }
        for j in 0..rules.len() {
            ws.set_column_width(8 + j as u16, 12.0).map_err(xlsx)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx)?;
        let last_col = (headers.len() - 1) as u16;
        ws.autofilter(0, 0, audit.units.len() as u32, last_col)
            .map_err(xlsx)?;
    }
    {
        let ws = wb.add_worksheet().set_name("问题清单").map_err(xlsx)?;
        let headers = [
            "机关名称",
            "级别",
            "规则",
            "表格位置",
            "应为",
            "实为",
            "位置",
            "说明",
            "提示",
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &head)
                .map_err(xlsx)?;
        }
        for (i, f) in audit.findings.iter().enumerate() {
            let r = i as u32 + 1;
            let d = &f.diagnostic;
            let place = match (&d.cell, d.line) {
                (Some(cell), _) => cell.clone(),
                (None, Some(line)) => format!("第 {line} 行 {}", d.path),
                (None, None) => d.path.clone(),
            };
            let cells = [
                f.organ.as_str(),
                d.severity.chinese(),
                d.rule.id(),
                d.place.as_deref().unwrap_or(""),
                d.expected.as_deref().unwrap_or(""),
                d.found.as_deref().unwrap_or(""),
                place.as_str(),
                d.message.as_str(),
                d.hint.as_deref().unwrap_or(""),
            ];
            for (c, v) in cells.iter().enumerate() {
                ws.write_string_with_format(r, c as u16, *v, &wrap)
                    .map_err(xlsx)?;
            }
        }
        let widths = [24.0, 6.0, 14.0, 28.0, 10.0, 10.0, 22.0, 60.0, 40.0];
        for (c, w) in widths.iter().enumerate() {
            ws.set_column_width(c as u16, *w).map_err(xlsx)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx)?;
        ws.autofilter(
            0,
            0,
            audit.findings.len() as u32,
            (headers.len() - 1) as u16,
        )
        .map_err(xlsx)?;
    }
    wb.save_to_buffer().map_err(xlsx)
}
