//! Writing the workbook (rust_xlsxwriter): the form's layout from the table description,
//! input cells unlocked and validated, totals as live formulas.

use std::collections::HashMap;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign,
    FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use super::*;
use nianbao_form::model::{Block, Report, Values};
use nianbao_form::rules;
use nianbao_form::tables::{Content, RowRole};

/// The cell formats of a workbook.
struct Styles {
    heading: Format,
    head: Format,
    label: Format,
    label_left: Format,
    input: Format,
    input_text: Format,
    input_date: Format,
    computed: Format,
    note: Format,
}

impl Styles {
    fn new() -> Styles {
        let base = Format::new()
            .set_font_name("宋体")
            .set_font_size(11)
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter);
        let cell = base.clone().set_border(FormatBorder::Thin);
        let input = cell
            .clone()
            .set_unlocked()
            .set_background_color(Color::RGB(0xFFF7D6));
        Styles {
            heading: base
                .clone()
                .set_font_name("黑体")
                .set_font_size(14)
                .set_align(FormatAlign::Left),
            head: cell.clone().set_bold().set_align(FormatAlign::Center),
            label: cell.clone().set_align(FormatAlign::Center),
            label_left: cell.clone().set_align(FormatAlign::Left),
            input: input
                .clone()
                .set_align(FormatAlign::Center)
                .set_num_format("0"),
            input_text: input
                .clone()
                .set_align(FormatAlign::Left)
                .set_num_format("@"),
            input_date: input
                .set_align(FormatAlign::Left)
                .set_num_format("yyyy-mm-dd"),
            computed: cell
                .set_align(FormatAlign::Center)
                .set_num_format("0")
                .set_background_color(Color::RGB(0xEDEDED)),
            note: base.set_font_color(Color::RGB(0x595959)),
        }
    }

    /// A money cell shows as many decimals as were written.
    fn money(&self, decimals: usize) -> Format {
        let code = if decimals == 0 {
            "0".to_string()
        } else {
            format!("0.{}", "0".repeat(decimals))
        };
        self.input.clone().set_num_format(code)
    }
}

use crate::error::WorkbookError as WriteError;

impl From<XlsxError> for WriteError {
    fn from(e: XlsxError) -> Self {
        WriteError::Xlsx(e.to_string())
    }
}

type Written = Result<(), WriteError>;

/// The workbook of a report, as the bytes of an .xlsx file. Writing the same
/// report twice gives the same bytes.
pub fn to_bytes(report: &Report) -> Result<Vec<u8>, WriteError> {
    workbook(report)
}

fn workbook(report: &Report) -> Result<Vec<u8>, WriteError> {
    // 主题词 share one cell, separated by “；”: a keyword holding one could not come back.
    let mut keywords = report.meta.iter().flat_map(|m| &m.keywords);
    if let Some(k) = keywords.find(|k| k.contains(['；', ';'])) {
        return Err(WriteError::Data(format!(
            "主题词 “{k}” 含有分号，工作簿中无法与分隔符区分；请先改写这个主题词"
        )));
    }
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(report.title())
            .set_author("nianbao")
            .set_creation_datetime(&created),
    );
    let st = Styles::new();
    let computed = rules::compute(report);
    write_info(wb.add_worksheet(), report, &st)?;
    for t in tables::tables(report.edition) {
        write_table(wb.add_worksheet(), report, &computed, t, &st)?;
    }
    write_text(wb.add_worksheet(), report, &st)?;
    write_memo(wb.add_worksheet(), report)?;
    Ok(wb.save_to_buffer()?)
}

fn info_value(report: &Report, path: &str) -> Option<String> {
    let sig = report.signature.as_ref();
    let meta = report.meta.as_ref();
    match path {
        "edition" => Some(report.edition.as_str().to_string()),
        "organ" => Some(report.organ.clone()),
        "title" => report.title.clone(),
        "signature.organ" => sig.and_then(|s| s.organ.clone()),
        "signature.date" => sig.map(|s| s.date.to_string()),
        "meta.doc_number" => meta.and_then(|m| m.doc_number.clone()),
        "meta.index_number" => meta.and_then(|m| m.index_number.clone()),
        "meta.keywords" => meta
            .filter(|m| !m.keywords.is_empty())
            .map(|m| m.keywords.join("；")),
        "meta.published" => meta.and_then(|m| m.published.map(|d| d.to_string())),
        "meta.site_name" => meta.and_then(|m| m.site_name.clone()),
        "meta.site_domain" => meta.and_then(|m| m.site_domain.clone()),
        "meta.site_id_code" => meta.and_then(|m| m.site_id_code.clone()),
        "meta.kind" => meta.and_then(|m| m.kind).map(|k| {
            match k {
                nianbao_form::model::OrganKind::Government => "政府",
                nianbao_form::model::OrganKind::Department => "部门",
            }
            .to_string()
        }),
        other => report.table_texts.get(other).cloned(),
    }
}

fn write_info(ws: &mut Worksheet, report: &Report, st: &Styles) -> Written {
    ws.set_name(INFO)?;
    ws.set_column_width(0, 16)?;
    ws.set_column_width(1, 44)?;
    ws.set_column_width(2, 60)?;
    for (c, h) in ["项目", "内容", "说明"].into_iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &st.head)?;
    }
    for (i, row) in info_rows(Some(report.edition)).enumerate() {
        let r = i as u32 + 1;
        ws.write_string_with_format(r, 0, row.label, &st.label_left)?;
        ws.write_string_with_format(r, 2, row.note, &st.note)?;
        let value = info_value(report, row.path);
        match (row.kind, value) {
            (InfoKind::Year, _) => {
                ws.write_number_with_format(r, 1, report.year as f64, &st.input)?;
                let years = DataValidation::new()
                    .allow_whole_number(DataValidationRule::Between(2019, 2099))
                    .set_error_message("报告年度应为 2019 至 2099 之间的整数")?;
                ws.add_data_validation(r, 1, r, 1, &years)?;
            }
            (InfoKind::Edition, Some(v)) => {
                ws.write_string_with_format(r, 1, v, &st.input_text)?;
                let list = DataValidation::new()
                    .allow_list_strings(&["2019", "2021"])?
                    .set_error_message("表格格式只能是 2019 或 2021")?;
                ws.add_data_validation(r, 1, r, 1, &list)?;
            }
            (InfoKind::Date, v) => {
                match v.as_deref().and_then(nianbao_form::model::Date::parse) {
                    Some(d) => {
                        let dt = ExcelDateTime::from_ymd(d.year as u16, d.month, d.day)?;
                        ws.write_datetime_with_format(r, 1, &dt, &st.input_date)?;
                    }
                    None => {
                        ws.write_blank(r, 1, &st.input_date)?;
                    }
                }
                let dates = DataValidation::new()
                    .allow_date(DataValidationRule::Between(
                        ExcelDateTime::from_ymd(1990, 1, 1)?,
                        ExcelDateTime::from_ymd(2099, 12, 31)?,
                    ))
                    .set_error_message("请输入日期，如 2021-01-20")?;
                ws.add_data_validation(r, 1, r, 1, &dates)?;
            }
            (_, Some(v)) => {
                ws.write_string_with_format(r, 1, v, &st.input_text)?;
            }
            (_, None) => {
                ws.write_blank(r, 1, &st.input_text)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.protect();
    ws.set_active(true);
    Ok(())
}

/// The value cells of a row key, by index: (grid row, grid column).
fn value_cells(t: &TableSpec) -> HashMap<(&'static str, Option<usize>), (usize, usize)> {
    t.placed()
        .into_iter()
        .filter_map(|p| match p.cell.content {
            Content::Value { path, index, .. } => Some(((path, index), (p.row, p.col))),
            Content::Label { .. } => None,
        })
        .collect()
}

/// The formula of a computed cell, with the value it gives.
fn formula_of(
    cells: &HashMap<(&'static str, Option<usize>), (usize, usize)>,
    edition: Edition,
    path: &'static str,
    index: usize,
    kind: Kind,
) -> Option<String> {
    let at = |p: &'static str, i: usize| {
        cells
            .get(&(p, Some(i)))
            .map(|&(r, c)| (TOP + r as u32, c as u16))
    };
    if kind == Kind::Total {
        // The row's 总计: the sum of its counts.
        let (r, first) = at(path, 0)?;
        let (_, last) = at(path, index - 1)?;
        return Some(format!("SUM({}:{})", cell_ref(r, first), cell_ref(r, last)));
    }
    // （七）总计: the column sum of every result row.
    let rows: Vec<(u32, u16)> = rules::result_rows(edition)
        .into_iter()
        .filter_map(|p| at(p, index))
        .collect();
    let contiguous = rows.windows(2).all(|w| w[1].0 == w[0].0 + 1);
    Some(match (rows.first(), rows.last()) {
        (Some(a), Some(b)) if contiguous => {
            format!("SUM({}:{})", cell_ref(a.0, a.1), cell_ref(b.0, b.1))
        }
        _ => {
            let refs: Vec<String> = rows.iter().map(|&(r, c)| cell_ref(r, c)).collect();
            format!("SUM({})", refs.join(","))
        }
    })
}

fn write_table(
    ws: &mut Worksheet,
    report: &Report,
    computed: &rules::Computed,
    t: &'static TableSpec,
    st: &Styles,
) -> Written {
    let sheet = table_sheet(t);
    ws.set_name(sheet)?;
    let last_col = t.columns as u16 - 1;
    let heading = format!("{}、{}", t.number, t.heading);
    ws.merge_range(0, 0, 0, last_col, &heading, &st.heading)?;
    let widths: Vec<f64> = match t.id {
        tables::TableId::ActiveDisclosure => vec![22.0, 18.0, 18.0, 18.0],
        tables::TableId::Applications => [10.0, 16.0, 40.0].into_iter().chain([10.0; 7]).collect(),
        tables::TableId::ReviewsAndLawsuits => vec![9.0; 15],
    };
    for (c, w) in widths.into_iter().enumerate() {
        ws.set_column_width(c as u16, w)?;
    }
    if t.id != tables::TableId::ActiveDisclosure {
        ws.set_landscape();
    }
    ws.set_paper_size(9);
    ws.set_print_fit_to_pages(1, 0);
    ws.set_freeze_panes(TOP + t.header_rows() as u32, 0)?;
    let cells = value_cells(t);
    for p in t.placed() {
        let (r, c) = (TOP + p.row as u32, p.col as u16);
        let (r2, c2) = (r + p.cell.rowspan as u32 - 1, c + p.cell.colspan as u16 - 1);
        let merged = r2 > r || c2 > c;
        let (path, index, kind) = match p.cell.content {
            Content::Label {
                text, replaced_by, ..
            } => {
                let text = replaced_by
                    .and_then(|k| report.table_texts.get(k))
                    .map_or(text, String::as_str);
                let fmt = match t.rows[p.row].role {
                    RowRole::Header => &st.head,
                    RowRole::Data => &st.label_left,
                    RowRole::Section | RowRole::ColumnHeads => &st.label,
                };
                if merged {
                    ws.merge_range(r, c, r2, c2, text, fmt)?;
                } else {
                    ws.write_string_with_format(r, c, text, fmt)?;
                }
                continue;
            }
            Content::Value { path, index, kind } => (path, index, kind),
        };
        if merged {
            ws.merge_range(r, c, r2, c2, "", &st.input)?;
        }
        let row = report.values.get(path);
        if is_computed(path, kind) {
            let i = index.unwrap_or(0);
            // What the formula gives in the workbook: a 总计 sums the row as written.
            let value = match (kind, row) {
                (Kind::Total, Some(Values::Row { values, .. })) => {
                    values.iter().map(|v| i128::from(*v)).sum()
                }
                _ => computed.rows[path][i],
            };
            let given = match row {
                Some(Values::Row {
                    values,
                    given_total,
                }) => values.get(i).copied().or(*given_total),
                _ => None,
            };
            if let Some(v) = given.filter(|v| i128::from(*v) != value) {
                // A total written wrong stays as written, to be checked when read back.
                write_int(ws, r, c, v, &st.input, sheet)?;
                add_validation(ws, r, c, r2, c2, kind)?;
                continue;
            }
            let formula = formula_of(&cells, report.edition, path, i, kind)
                .ok_or_else(|| WriteError::Data(format!("表{} 的公式无法生成", t.number)))?;
            let f = Formula::new(format!("={formula}")).set_result(value.to_string());
            ws.write_formula_with_format(r, c, f, &st.computed)?;
            continue;
        }
        match (row, index) {
            (Some(Values::Row { values, .. }), Some(i)) => {
                write_int(ws, r, c, values[i], &st.input, sheet)?;
            }
            (Some(Values::Int(v)), None) => write_int(ws, r, c, *v, &st.input, sheet)?,
            (Some(Values::Money(m)), None) => {
                let decimals = m.split_once('.').map_or(0, |(_, f)| f.len());
                let exact = m
                    .parse::<f64>()
                    .ok()
                    .filter(|v| format!("{v:.decimals$}") == *m);
                match exact {
                    Some(v) => ws.write_number_with_format(r, c, v, &st.money(decimals))?,
                    // More digits than a spreadsheet number keeps: kept as text.
                    None => ws.write_string_with_format(r, c, m, &st.input)?,
                };
            }
            _ => {
                ws.write_blank(r, c, &st.input)?;
            }
        }
        add_validation(ws, r, c, r2, c2, kind)?;
    }
    ws.protect();
    Ok(())
}

fn write_int(ws: &mut Worksheet, r: u32, c: u16, v: i64, fmt: &Format, sheet: &str) -> Written {
    if !(-EXACT_INT..=EXACT_INT).contains(&v) {
        return Err(WriteError::Data(format!(
            "{sheet}!{}：数值 {v} 超出电子表格能准确保存的范围（15 位数字），未生成工作簿",
            cell_ref(r, c)
        )));
    }
    ws.write_number_with_format(r, c, v as f64, fmt)?;
    Ok(())
}

fn add_validation(ws: &mut Worksheet, r: u32, c: u16, r2: u32, c2: u16, kind: Kind) -> Written {
    let dv = match kind {
        Kind::Count | Kind::Total => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_error_message("请填写不小于 0 的整数")?,
        Kind::Signed => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(i32::MIN, i32::MAX))
            .set_error_message("请填写整数（减少时填负数）")?,
        Kind::Money => DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_error_message("请填写不小于 0 的金额（单位：万元）")?,
    };
    ws.add_data_validation(r, c, r2, c2, &dv)?;
    Ok(())
}

fn write_text(ws: &mut Worksheet, report: &Report, st: &Styles) -> Written {
    ws.set_name(TEXT)?;
    for (c, (h, w)) in [
        ("部分", 24.0),
        ("类型", 8.0),
        ("标题", 24.0),
        ("正文", 90.0),
    ]
    .into_iter()
    .enumerate()
    {
        ws.write_string_with_format(0, c as u16, h, &st.head)?;
        ws.set_column_width(c as u16, w)?;
    }
    let mut rows: Vec<[&str; 4]> = Vec::new();
    if let Some(p) = &report.preamble {
        for para in p.split("\n\n") {
            rows.push([SECTIONS[0].0, PARAGRAPH, "", para]);
        }
    }
    let lists: [(&str, Option<&Vec<Block>>); 3] = [
        (SECTIONS[1].0, Some(&report.overview)),
        (SECTIONS[2].0, Some(&report.problems)),
        (SECTIONS[3].0, report.other_matters.as_ref()),
    ];
    for (name, list) in lists {
        for b in list.into_iter().flatten() {
            match b {
                Block::Text(t) => rows.push([name, PARAGRAPH, "", t]),
                Block::Item { title, text, items } => {
                    rows.push([name, ITEM, title, text]);
                    for i in items {
                        rows.push([name, SUBITEM, "", i]);
                    }
                }
            }
        }
    }
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r, c as u16, *v, &st.input_text)?;
        }
    }
    let sections = DataValidation::new()
        .allow_list_strings(&SECTIONS.map(|s| s.0))?
        .set_input_title("部分")?
        .set_input_message("前言、一、五、六；空着表示与上一行相同")?;
    ws.add_data_validation(1, 0, TEXT_ROWS, 0, &sections)?;
    let kinds = DataValidation::new()
        .allow_list_strings(&[PARAGRAPH, ITEM, SUBITEM])?
        .set_input_title("类型")?
        .set_input_message("段落：不编号的段落；条目：编号（一）（二）…，在“标题”列写小标题；分项：上一条目下编号 1. 2. … 的段落")?;
    ws.add_data_validation(1, 1, TEXT_ROWS, 1, &kinds)?;
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

/// The hidden sheet: which 总计 the data file wrote out (the formulas show them all).
fn write_memo(ws: &mut Worksheet, report: &Report) -> Written {
    ws.set_name(MEMO)?;
    ws.write_string(0, 0, MEMO_MARK)?;
    ws.write_number(0, 1, MEMO_VERSION)?;
    let mut r = 1;
    for (path, v) in &report.values {
        let Values::Row { given_total, .. } = v else {
            continue;
        };
        let kinds = [
            (path == COMPUTED_ROW).then_some(MEMO_ROW),
            given_total.is_some().then_some(MEMO_TOTAL),
        ];
        for kind in kinds.into_iter().flatten() {
            ws.write_string(r, 0, kind)?;
            ws.write_string(r, 1, path)?;
            r += 1;
        }
    }
    ws.set_hidden(true);
    ws.protect();
    Ok(())
}
