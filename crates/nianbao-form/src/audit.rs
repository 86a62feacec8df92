//! The coordinating office's audit: every report of a folder checked at once, each
//! matched to its previous year's report by organ name, against the roster of the
//! units expected, into one list of units (status, counts, late) and one list of
//! findings — for the terminal, as JSON, and as a findings workbook.
//!
//! A unit's unreadable or hostile file fails that unit only (the loaders' limits hold
//! here too); nothing in the folder is changed.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, FormatAlign, Workbook};
use serde::Serialize;

use crate::check::{self, Options};
use crate::diag::{Diagnostic, Rule, Severity};
use crate::error::WorkbookError;
use crate::load;
use crate::model::{OrganKind, Report};

/// A unit's state in the audit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Checked: no error, no warning.
    Passed,
    /// Checked: warnings only.
    Warnings,
    /// Checked: at least one error.
    Errors,
    /// On the roster, no report found.
    Missing,
    /// A file that could not be read at all.
    Unreadable,
    /// A report of a unit that is not on the roster.
    OffRoster,
}

impl Status {
    /// The status of a readable report on the roster with `errors` errors and
    /// `warnings` warnings: 有错误, 有警告 or 通过.
    pub fn of_counts(errors: usize, warnings: usize) -> Status {
        if errors > 0 {
            Status::Errors
        } else if warnings > 0 {
            Status::Warnings
        } else {
            Status::Passed
        }
    }

    /// The word the office uses: 通过, 有警告, 有错误, 未提交, 无法读取, 名单外.
    pub fn chinese(self) -> &'static str {
        match self {
            Status::Passed => "通过",
            Status::Warnings => "有警告",
            Status::Errors => "有错误",
            Status::Missing => "未提交",
            Status::Unreadable => "无法读取",
            Status::OffRoster => "名单外",
        }
    }
}

impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.chinese())
    }
}

/// One unit of the region: a report file, or a roster entry without one.
#[derive(Clone, Debug, Serialize)]
pub struct Unit {
    /// 机关名称 (from the report, else from the roster, else the file's name).
    pub organ: String,
    /// The file, as found (empty for a unit that sent none).
    pub file: String,
    /// The edition (`2019`/`2021`), when read.
    pub edition: Option<String>,
    /// The report year, when read.
    pub year: Option<i64>,
    /// Its state.
    pub status: Status,
    /// Errors found.
    pub errors: usize,
    /// Warnings found.
    pub warnings: usize,
    /// Published after the deadline (`late`).
    pub late: bool,
    /// Errors and warnings per rule id.
    #[serde(skip)]
    pub by_rule: BTreeMap<&'static str, usize>,
}

/// One finding: the unit and the diagnostic, with the fields of `check`'s JSON.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    /// 机关名称.
    pub organ: String,
    /// The diagnostic.
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// The result of an audit.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Audit {
    /// Every unit, in the order of the files, then the roster's missing ones.
    pub units: Vec<Unit>,
    /// Every finding, unit by unit.
    pub findings: Vec<Finding>,
}

impl Audit {
    /// Whether any unit has an error (or could not be read).
    pub fn has_errors(&self) -> bool {
        self.units
            .iter()
            .any(|u| matches!(u.status, Status::Errors | Status::Unreadable))
    }

    /// The number of units in each state, in [`Status`] order.
    pub fn counts(&self) -> BTreeMap<Status, usize> {
        let mut out = BTreeMap::new();
        for u in &self.units {
            *out.entry(u.status).or_insert(0) += 1;
        }
        out
    }
}

/// A unit the office expects a report from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RosterEntry {
    /// 机关名称.
    pub organ: String,
    /// 类型: 政府 or 部门, when given (decides the deadline).
    pub kind: Option<OrganKind>,
}

/// An organ's name compared without spaces or the difference of full- and
/// half-width brackets (（）/()).
pub fn normalized(organ: &str) -> String {
    organ
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            c => c,
        })
        .collect()
}

/// Reads a roster: a CSV file (UTF-8, with or without a byte-order mark) or a
/// workbook (.xlsx, the first sheet), with a header row holding 机关名称 and
/// optionally 类型 (政府 or 部门).
///
/// # Errors
/// A Chinese message naming the file and, where known, the row.
pub fn read_roster(path: &Path) -> Result<Vec<RosterEntry>, String> {
    let rows: Vec<Vec<String>> = if load::is_workbook(path) {
        use calamine::Reader;
        let bytes = load::read_bounded(path, crate::limits::MAX_WORKBOOK_BYTES)
            .map_err(|e| e.to_string())?;
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
        let bytes = load::read_bounded(path, crate::limits::MAX_TEXT_FILE_BYTES)
            .map_err(|e| e.to_string())?;
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

fn count(diags: &[Diagnostic]) -> (usize, usize, BTreeMap<&'static str, usize>) {
    let mut by_rule = BTreeMap::new();
    let (mut errors, mut warnings) = (0, 0);
    for d in diags {
        match d.severity {
            Severity::Error => errors += 1,
            Severity::Warning => warnings += 1,
            Severity::Note => continue,
        }
        *by_rule.entry(d.rule.id()).or_insert(0) += 1;
    }
    (errors, warnings, by_rule)
}

/// Audits the report files `files` (as found in a folder), with last year's report
/// files `previous` and the `roster` of the units expected.
pub fn audit(
    files: &[PathBuf],
    previous: &[PathBuf],
    roster: Option<&[RosterEntry]>,
    options: &Options,
) -> Audit {
    audit_with_progress(files, previous, roster, options, &mut |_, _| {})
}

/// [`audit`], calling `progress(done, file)` after each file of `files` (for a
/// progress bar: `done` of `files.len()`).
pub fn audit_with_progress(
    files: &[PathBuf],
    previous: &[PathBuf],
    roster: Option<&[RosterEntry]>,
    options: &Options,
    progress: &mut dyn FnMut(usize, &Path),
) -> Audit {
    // Last year's reports by organ; two of one name are ambiguous.
    let mut last: HashMap<String, Vec<Report>> = HashMap::new();
    for p in previous {
        if let Ok(d) = load::read_file(p)
            && let Some(r) = d.report
        {
            last.entry(normalized(&r.organ)).or_default().push(r);
        }
    }
    let roster_kind = |organ: &str| {
        roster.and_then(|r| {
            r.iter()
                .find(|e| normalized(&e.organ) == normalized(organ))
                .and_then(|e| e.kind)
        })
    };
    let mut out = Audit::default();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (done, path) in files.iter().enumerate() {
        progress(done, path);
        let file = path.display().to_string();
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let decoded = match load::read_file(path) {
            Ok(d) => d,
            Err(e) => {
                let d = Diagnostic::error(Rule::Read, "", e.to_string()).in_file(&file);
                out.units.push(Unit {
                    organ: stem.clone(),
                    file: file.clone(),
                    edition: None,
                    year: None,
                    status: Status::Unreadable,
                    errors: 1,
                    warnings: 0,
                    late: false,
                    by_rule: BTreeMap::from([(Rule::Read.id(), 1)]),
                });
                out.findings.push(Finding {
                    organ: stem,
                    diagnostic: d,
                });
                continue;
            }
        };
        let mut decoded = decoded;
        let no_report = decoded.report.is_none();
        let organ = decoded
            .report
            .as_ref()
            .map_or(stem.clone(), |r| r.organ.clone());
        // The roster's 类型 decides the deadline when the report does not say.
        if let Some(report) = decoded.report.as_mut()
            && let Some(kind) = roster_kind(&report.organ)
        {
            let meta = report.meta.get_or_insert_with(Default::default);
            meta.kind.get_or_insert(kind);
        }
        let (edition, year) = decoded.report.as_ref().map_or((None, None), |r| {
            (Some(r.edition.as_str().to_string()), Some(r.year))
        });
        let mut extra = Vec::new();
        let prev = match last.get(&normalized(&organ)).map(Vec::as_slice) {
            Some([one]) => Some(one),
            Some(many) if many.len() > 1 => {
                extra.push(Diagnostic::warning(
                    Rule::Previous,
                    "",
                    format!(
                        "上一年度有 {} 份“{organ}”的报告，无法确定对照哪一份，未进行跨年度核对",
                        many.len()
                    ),
                ));
                None
            }
            _ => None,
        };
        let mut diags =
            check::check_with(decoded, prev, options).map_or_else(|d| d, |c| c.diagnostics);
        if let Some(other) = seen.insert(normalized(&organ), file.clone()) {
            extra.push(Diagnostic::warning(
                Rule::DuplicateOrgan,
                "organ",
                format!("“{organ}”另有一份报告：{other}"),
            ));
        }
        diags.extend(extra);
        let diags: Vec<Diagnostic> = diags.into_iter().map(|d| d.in_file(&file)).collect();
        let (errors, warnings, by_rule) = count(&diags);
        let on_roster =
            roster.is_none_or(|r| r.iter().any(|e| normalized(&e.organ) == normalized(&organ)));
        // A file that gave no report (a syntax error, not a report) cannot be read
        // as any unit's.
        let status = if no_report {
            Status::Unreadable
        } else if !on_roster {
            Status::OffRoster
        } else {
            Status::of_counts(errors, warnings)
        };
        out.units.push(Unit {
            organ: organ.clone(),
            file,
            edition,
            year,
            status,
            errors,
            warnings,
            late: diags.iter().any(|d| d.rule == Rule::Late),
            by_rule,
        });
        out.findings.extend(diags.into_iter().map(|d| Finding {
            organ: organ.clone(),
            diagnostic: d,
        }));
    }
    if let Some(roster) = roster {
        for e in roster {
            if !out
                .units
                .iter()
                .any(|u| normalized(&u.organ) == normalized(&e.organ))
            {
                out.units.push(Unit {
                    organ: e.organ.clone(),
                    file: String::new(),
                    edition: None,
                    year: None,
                    status: Status::Missing,
                    errors: 0,
                    warnings: 0,
                    late: false,
                    by_rule: BTreeMap::new(),
                });
            }
        }
    }
    out
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

/// Adds two non-negative decimal amounts exactly, as written (`1187.30` + `0.5` =
/// `1187.80`).
fn add_money(a: &str, b: &str) -> String {
    let split = |s: &str| -> (String, String) {
        let (i, f) = s.split_once('.').unwrap_or((s, ""));
        (i.to_string(), f.to_string())
    };
    let ((ai, af), (bi, bf)) = (split(a), split(b));
    let places = af.len().max(bf.len());
    let scaled = |i: &str, f: &str| -> u128 {
        let digits = format!("{i}{f:0<places$}");
        digits.parse().unwrap_or(0)
    };
    let total = scaled(&ai, &af) + scaled(&bi, &bf);
    if places == 0 {
        return total.to_string();
    }
    let text = format!("{total:0>width$}", width = places + 1);
    let (i, f) = text.split_at(text.len() - places);
    format!("{i}.{f}")
}

/// Adds up tables 二, 三 and 四 of `reports` (each with its file name) into one report
/// of `organ` with placeholder prose: counts summed, money summed exactly, rows left
/// out counted as zeros. Every report must be of the same edition and year (the first
/// report's, or `year` when given).
///
/// # Errors
/// The reports of another year or edition, each named, in Chinese.
pub fn sum(
    reports: &[(String, Report)],
    organ: &str,
    year: Option<i64>,
) -> Result<Report, Vec<String>> {
    let Some((_, first)) = reports.first() else {
        return Err(vec!["没有可汇总的报告".into()]);
    };
    let (edition, year) = (first.edition, year.unwrap_or(first.year));
    let wrong: Vec<String> = reports
        .iter()
        .filter(|(_, r)| r.edition != edition || r.year != year)
        .map(|(file, r)| {
            format!(
                "{file}：{} 年度、{} 版表格，与汇总的 {year} 年度、{} 版不同",
                r.year,
                r.edition.as_str(),
                edition.as_str()
            )
        })
        .collect();
    if !wrong.is_empty() {
        return Err(wrong);
    }
    let mut out = crate::write::starting_report(edition, year, organ);
    out.overview = vec![crate::model::Block::Text(format!(
        "本报告表格数据由 {} 份报告汇总生成。（请补充总体情况。）",
        reports.len()
    ))];
    out.values.clear();
    for t in crate::tables::tables(edition) {
        for f in t.fields() {
            let mut acc: Option<crate::model::Values> = None;
            for (_, r) in reports {
                use crate::model::Values;
                let v = r
                    .values
                    .get(f.path)
                    .cloned()
                    .unwrap_or_else(|| match &f.shape {
                        crate::tables::Shape::Row { len, .. } => Values::Row {
                            values: vec![0; *len],
                            given_total: None,
                        },
                        crate::tables::Shape::Scalar(crate::tables::Kind::Money) => {
                            Values::Money("0".into())
                        }
                        crate::tables::Shape::Scalar(_) => Values::Int(0),
                    });
                acc = Some(match (acc, v) {
                    (None, Values::Row { values, .. }) => Values::Row {
                        values,
                        given_total: None,
                    },
                    (None, v) => v,
                    (Some(Values::Row { values: a, .. }), Values::Row { values: b, .. }) => {
                        Values::Row {
                            values: a.iter().zip(&b).map(|(x, y)| x + y).collect(),
                            given_total: None,
                        }
                    }
                    (Some(Values::Int(a)), Values::Int(b)) => Values::Int(a + b),
                    (Some(Values::Money(a)), Values::Money(b)) => Values::Money(add_money(&a, &b)),
                    (Some(a), _) => a,
                });
            }
            if let Some(v) = acc {
                out.values.insert(f.path.to_string(), v);
            }
        }
    }
    Ok(out)
}

/// A money amount without trailing zeros after the point (`96171.60` → `96171.6`).
fn money_key(m: &str) -> String {
    match m.split_once('.') {
        Some((i, f)) => {
            let f = f.trim_end_matches('0');
            if f.is_empty() {
                i.to_string()
            } else {
                format!("{i}.{f}")
            }
        }
        None => m.to_string(),
    }
}

/// 层级汇总一致性: each report in `parents` (files already audited) compared, cell by
/// cell, with the sum of the `children` reports of its year and edition (those that
/// check without errors). Every cell that differs is a `hierarchy-sum` warning on the
/// parent's unit, at the parent's cell, with the children's sum as the expected value.
/// Children that cannot be read or have errors are named in one warning, since the sum
/// leaves them out.
pub fn check_children(audit: &mut Audit, parents: &[PathBuf], children: &[PathBuf]) {
    let mut kids: Vec<(String, Report)> = Vec::new();
    let mut left_out: Vec<String> = Vec::new();
    for c in children {
        match load::read_file(c).map(|d| check::check(d, None)) {
            Ok(Ok(checked)) if !checked.diagnostics.iter().any(Diagnostic::is_error) => {
                kids.push((c.display().to_string(), checked.report));
            }
            _ => left_out.push(c.display().to_string()),
        }
    }
    for parent in parents {
        let file = parent.display().to_string();
        let Some(unit) = audit.units.iter().position(|u| u.file == file) else {
            continue;
        };
        let Ok(decoded) = load::read_file(parent) else {
            continue;
        };
        let positions = decoded.positions.clone();
        let Some(report) = decoded.report else {
            continue;
        };
        let same: Vec<(String, Report)> = kids
            .iter()
            .filter(|(_, r)| r.year == report.year && r.edition == report.edition)
            .cloned()
            .collect();
        let mut diags = Vec::new();
        if same.is_empty() {
            diags.push(Diagnostic::warning(
                Rule::HierarchySum,
                "",
                format!(
                    "下级单位中没有 {} 年度、{} 版表格的报告，未核对层级汇总一致性",
                    report.year,
                    report.edition.as_str()
                ),
            ));
        } else if let Ok(total) = sum(&same, &report.organ, Some(report.year)) {
            for t in crate::tables::tables(report.edition) {
                for f in t.fields() {
                    use crate::model::Values;
                    let mine = report.values.get(f.path);
                    let theirs = total.values.get(f.path);
                    let pairs: Vec<(String, Option<usize>, String, String)> = match (mine, theirs) {
                        (
                            Some(Values::Row { values: a, .. }),
                            Some(Values::Row { values: b, .. }),
                        ) => a
                            .iter()
                            .zip(b)
                            .enumerate()
                            .map(|(i, (x, y))| {
                                (
                                    format!("{}[{i}]", f.path),
                                    Some(i),
                                    x.to_string(),
                                    y.to_string(),
                                )
                            })
                            .collect(),
                        (None, Some(Values::Row { values: b, .. })) => b
                            .iter()
                            .enumerate()
                            .map(|(i, y)| {
                                (
                                    format!("{}[{i}]", f.path),
                                    Some(i),
                                    "0".to_string(),
                                    y.to_string(),
                                )
                            })
                            .collect(),
                        (Some(Values::Int(x)), Some(Values::Int(y))) => {
                            vec![(f.path.to_string(), None, x.to_string(), y.to_string())]
                        }
                        (Some(Values::Money(x)), Some(Values::Money(y))) => {
                            vec![(f.path.to_string(), None, money_key(x), money_key(y))]
                        }
                        _ => Vec::new(),
                    };
                    for (path, index, found, expected) in pairs {
                        if found == expected {
                            continue;
                        }
                        let place = crate::rules::place(report.edition, f.path, index);
                        diags.push(
                            Diagnostic::warning(
                                Rule::HierarchySum,
                                path.clone(),
                                format!(
                                    "{place}：下级单位 {} 份报告合计 {expected}，本级报告为 {found}",
                                    same.len()
                                ),
                            )
                            .cell(place, &expected, &found)
                            .at(positions.get(&path).or_else(|| positions.nearest(&path))),
                        );
                    }
                }
            }
        }
        if !left_out.is_empty() {
            diags.push(Diagnostic::warning(
                Rule::HierarchySum,
                "",
                format!(
                    "以下下级单位的报告无法读取或有错误，未计入层级汇总：{}",
                    left_out.join("、")
                ),
            ));
        }
        let u = &mut audit.units[unit];
        for d in &diags {
            u.warnings += 1;
            *u.by_rule.entry(d.rule.id()).or_insert(0) += 1;
        }
        if u.status == Status::Passed && !diags.is_empty() {
            u.status = Status::Warnings;
        }
        let organ = u.organ.clone();
        let at = audit
            .findings
            .iter()
            .rposition(|f| f.organ == organ)
            .map_or(audit.findings.len(), |i| i + 1);
        for (k, d) in diags.into_iter().enumerate() {
            audit.findings.insert(
                at + k,
                Finding {
                    organ: organ.clone(),
                    diagnostic: d.in_file(&file),
                },
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::add_money;

    #[test]
    fn money_adds_exactly() {
        assert_eq!(add_money("1187.30", "0.5"), "1187.80");
        assert_eq!(add_money("0", "0"), "0");
        assert_eq!(add_money("12", "0.0001"), "12.0001");
        assert_eq!(add_money("0.1", "0.2"), "0.3");
    }
}
