//! Reports as the server handles them: reading what a unit sends (the editor's
//! JSON, an uploaded workbook, data file or published report), checking it, and
//! the shapes the API answers with.

use std::collections::BTreeMap;

use nianbao_files::parse::Format;
use nianbao_files::read;
use nianbao_files::write;
use nianbao_form::check;
use nianbao_form::decode::Decoded;
use nianbao_form::diag::{Diagnostic, Rule, Severity};
use nianbao_form::model::{Edition, Report};
use nianbao_form::tables::{self, Content, Kind, RowRole};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::ApiError;

/// One diagnostic as the API gives it: the rule, the key path of the cell or
/// text it is about (`applications.total[0]`, `overview[1].text`), the place in
/// the form's words and the message, in Chinese.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Finding {
    /// `error`, `warning` or `note`.
    pub severity: String,
    /// The severity as users read it: 错误, 警告 or 说明.
    pub severity_name: String,
    /// The rule's id (R1, R3, R4, text-table …).
    pub rule: String,
    /// The key path in the report data; with `[i]`, the i-th number of a row.
    pub path: String,
    /// The place in the form's words (表三 “…” 行 “…” 列).
    pub place: Option<String>,
    /// Where in an uploaded file (第3页第12行, 第2个表格第5行第4列).
    pub source: Option<String>,
    /// The value expected.
    pub expected: Option<String>,
    /// The value found.
    pub found: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl From<&Diagnostic> for Finding {
    fn from(d: &Diagnostic) -> Finding {
        Finding {
            severity: match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            }
            .into(),
            severity_name: d.severity.chinese().into(),
            rule: d.rule.id().into(),
            path: d.path.clone(),
            place: d.place.clone(),
            source: d.pos.and_then(|p| p.source).map(|s| s.describe()),
            expected: d.expected.clone(),
            found: d.found.clone(),
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }
}

/// The outcome of a check: every diagnostic, and every row's 总计 computed
/// from the numbers (for the editor's live totals).
#[derive(Clone, Debug, Default, Serialize, ToSchema)]
pub struct CheckResult {
    /// Errors (错误).
    pub errors: usize,
    /// Warnings (警告).
    pub warnings: usize,
    /// Every diagnostic, in the order of the form.
    pub diagnostics: Vec<Finding>,
    /// By row key path, the row's numbers followed by its 总计, as computed
    /// (`applications.total` is the （七）总计 row).
    pub totals: BTreeMap<String, Vec<i64>>,
}

/// A checked report: the result, and the report when the data gave one.
pub struct Checked {
    /// What the API answers.
    pub result: CheckResult,
    /// The report as read.
    pub report: Option<Report>,
}

/// Checks the JSON data of a report (`previous`: last year's, for the cross-year
/// rules).
pub fn check_json(data: &str, previous: Option<&Report>) -> Checked {
    check_decoded(read::read_str(data, Format::Json), previous)
}

/// Checks a decoded report.
pub fn check_decoded(decoded: Decoded, previous: Option<&Report>) -> Checked {
    match check::check(decoded, previous) {
        Ok(checked) => {
            let totals = checked
                .totals
                .rows
                .iter()
                .map(|(k, v)| {
                    let row = v
                        .iter()
                        .map(|n| i64::try_from(*n).unwrap_or(i64::MAX))
                        .collect();
                    (k.clone(), row)
                })
                .collect();
            Checked {
                result: result(&checked.diagnostics, totals),
                report: Some(checked.report),
            }
        }
        Err(diags) => Checked {
            result: result(&diags, BTreeMap::new()),
            report: None,
        },
    }
}

fn result(diags: &[Diagnostic], totals: BTreeMap<String, Vec<i64>>) -> CheckResult {
    CheckResult {
        errors: diags
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count(),
        warnings: diags
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count(),
        diagnostics: diags.iter().map(Finding::from).collect(),
        totals,
    }
}

/// The edition whose tables a year's report uses: 2019–2020 the 〔2019〕60号
/// form, 2021 on the 〔2021〕30号 form.
///
/// # Errors
/// A year before 2019 (or past 2099), in Chinese.
pub fn edition_for(year: i64) -> Result<Edition, ApiError> {
    [Edition::Y2021, Edition::Y2019]
        .into_iter()
        .find(|e| e.years().contains(&year))
        .ok_or_else(|| {
            ApiError::bad_request(format!(
                "没有 {year} 年度的报告格式：年报从 2019 年度起按国办公开办函〔2019〕60号、2021 年度起按〔2021〕30号填报"
            ))
        })
}

/// A new report of `organ` for `year`: every number 0, placeholder prose (as
/// `nianbao init` writes it), with `last` year's figures carried over
/// ([`nianbao_form::derive::carry_over`]), as JSON data.
///
/// # Errors
/// A year that has no form ([`edition_for`]).
pub fn starting_json(organ: &str, year: i64, last: Option<&Report>) -> Result<String, ApiError> {
    let edition = edition_for(year)?;
    let mut report = nianbao_form::derive::starting_report(edition, year, organ);
    if let Some(last) = last {
        nianbao_form::derive::carry_over(&mut report, last);
    }
    Ok(write::to_string(&report, Format::Json))
}

/// Reads an upload named `name` (only its extension is looked at; the name never
/// reaches the file system) into a decoded report, through the one reader of every
/// kind ([`nianbao_files::read`]); a published file in a worker process under
/// limits when `reader` says how to start one.
///
/// # Errors
/// 422 with the reader's message when the file cannot be read at all (also when its
/// worker ran out of memory or time, or crashed).
pub fn read_upload(
    name: &str,
    bytes: Vec<u8>,
    reader: Option<&nianbao_files::isolate::Worker>,
) -> Result<Decoded, ApiError> {
    match reader {
        Some(worker) => nianbao_files::isolate::read(name, bytes, worker),
        None => nianbao_files::read(name, bytes),
    }
    .map_err(|e| ApiError::unprocessable(e.to_string()))
}

/// Reads an upload and checks what it gave (the diagnostics point into the file).
///
/// # Errors
/// 422 when the file cannot be read, or when an import did not find rows of the
/// form (`import-unread`) and `partial` is not set: they would read as zeros.
pub fn read_upload_checked(
    name: &str,
    bytes: Vec<u8>,
    partial: bool,
    reader: Option<&nianbao_files::isolate::Worker>,
) -> Result<Checked, ApiError> {
    let decoded = read_upload(name, bytes, reader)?;
    let unread: Vec<&str> = decoded
        .diags
        .iter()
        .filter(|d| d.rule == Rule::ImportUnread)
        .map(|d| d.message.as_str())
        .collect();
    if !unread.is_empty() && !partial {
        return Err(ApiError::unprocessable(format!(
            "文件中没有找到表格的这些行，未导入（如确认要导入，缺少的行记为 0，需要补填）：{}",
            unread.join("；")
        )));
    }
    Ok(check_decoded(decoded, None))
}

/// One cell of a table of the form, as the editor draws it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FormCell {
    /// The label's text, for a label cell.
    pub text: Option<String>,
    /// The key path of the number, for a value cell.
    pub path: Option<String>,
    /// The position in the row, for a value of a row.
    pub index: Option<usize>,
    /// `count`, `signed`, `money` or `total` (the row's 总计, computed when blank).
    pub kind: Option<String>,
    /// For a value cell, the form's words for it: row and column labels joined
    /// by ` · ` (for screen readers and messages).
    pub label: Option<String>,
    /// Grid columns spanned.
    pub colspan: usize,
    /// Grid rows spanned.
    pub rowspan: usize,
}

/// One row of a table of the form.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FormRow {
    /// `header`, `section`, `heads` or `data`.
    pub role: String,
    /// The cells that start in this row.
    pub cells: Vec<FormCell>,
}

/// One of the three tables, cell by cell as on the official form.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FormTable {
    /// 二, 三 or 四.
    pub number: String,
    /// The section heading without its number.
    pub heading: String,
    /// The report data's key for the table.
    pub key: String,
    /// Grid columns.
    pub columns: usize,
    /// Whether a row left blank means zeros (table 三).
    pub rows_optional: bool,
    /// The grid.
    pub rows: Vec<FormRow>,
}

/// The tables of an edition's form (国办公开办函〔2019〕60号 or 〔2021〕30号), as
/// `nianbao_form::tables` describes them.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FormLayout {
    /// `2019` or `2021`.
    pub edition: String,
    /// The notice that set the form.
    pub notice: String,
    /// Tables 二, 三 and 四.
    pub tables: Vec<FormTable>,
    /// The sections of prose the unit writes, in order.
    pub sections: Vec<FormSection>,
}

/// A section of prose of the form.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FormSection {
    /// The key in the data (`overview`, `problems`, `other_matters`).
    pub key: String,
    /// The heading (一、总体情况 …).
    pub heading: String,
    /// Whether it must be written.
    pub required: bool,
}

/// The layout of `edition`'s form.
pub fn form_layout(edition: Edition) -> FormLayout {
    let tables = tables::tables(edition)
        .iter()
        .map(|t| FormTable {
            number: t.number.into(),
            heading: t.heading.into(),
            key: t.key.into(),
            columns: t.columns,
            rows_optional: t.rows_optional,
            rows: t
                .rows
                .iter()
                .map(|r| FormRow {
                    role: match r.role {
                        RowRole::Header => "header",
                        RowRole::Section => "section",
                        RowRole::ColumnHeads => "heads",
                        RowRole::Data => "data",
                    }
                    .into(),
                    cells: r
                        .cells
                        .iter()
                        .map(|c| {
                            let mut cell = FormCell {
                                text: None,
                                path: None,
                                index: None,
                                kind: None,
                                label: None,
                                colspan: c.colspan,
                                rowspan: c.rowspan,
                            };
                            match &c.content {
                                Content::Label { text, .. } => cell.text = Some((*text).into()),
                                Content::Value { path, index, kind } => {
                                    cell.path = Some((*path).into());
                                    cell.index = *index;
                                    let (row, column) = t.cell_words(path, *index);
                                    cell.label = Some(match row {
                                        Some(row) if !column.is_empty() => {
                                            format!("{row} · {column}")
                                        }
                                        Some(row) => row,
                                        None => column,
                                    });
                                    cell.kind = Some(
                                        match kind {
                                            Kind::Count => "count",
                                            Kind::Signed => "signed",
                                            Kind::Money => "money",
                                            Kind::Total => "total",
                                        }
                                        .into(),
                                    );
                                }
                            }
                            cell
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    FormLayout {
        edition: edition.as_str().into(),
        notice: edition.notice().into(),
        tables,
        sections: nianbao_form::model::PROSE_SECTIONS
            .iter()
            .map(|s| FormSection {
                key: s.key.into(),
                heading: s.heading.into(),
                required: s.required,
            })
            .collect(),
    }
}
