//! The region's work over reports: the coordinating office's audit (every report of
//! the region checked at once, each matched to its previous year's report by organ
//! name, against the roster of the units expected, into one list of units and one
//! list of findings), the region's sum, and the hierarchy check (层级汇总一致性).
//!
//! Everything here takes decoded reports with where they came from
//! ([`Submission`]): the command line reads a folder, the web app passes its latest
//! versions; neither writes a file for the other. The policies both front ends share
//! live here once: what makes an organ name the same ([`normalized`]), what last
//! year's report contributes ([`LastYear`]), which reports may be summed
//! ([`summable`]). A unit's unreadable or hostile file fails that unit only; the
//! findings workbook and the roster's files are read and written by `nianbao-files`.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::check::{self, Options};
use crate::decode::Decoded;
use crate::diag::{Diagnostic, Rule, Severity};
use crate::model::{OrganKind, Report};

/// A report as the region's work takes it: where it came from and what reading gave.
#[derive(Debug)]
pub struct Submission {
    /// Where it came from, as the findings name it: a file's path on the command
    /// line, a unit's login in the web app.
    pub source: String,
    /// The decoded report, or why the file could not be read at all (the reader's
    /// Chinese message).
    pub read: Result<Decoded, String>,
}

/// Last year's reports of the region, by organ ([`normalized`]): what a report of
/// this year is checked against (上年结转, 现行有效件数 carried over, R6–R8).
#[derive(Debug, Default)]
pub struct LastYear {
    by_organ: HashMap<String, Vec<Report>>,
}

impl LastYear {
    /// Last year's reports (those that gave a report; the rest contribute nothing).
    pub fn new(reports: impl IntoIterator<Item = Report>) -> LastYear {
        let mut by_organ: HashMap<String, Vec<Report>> = HashMap::new();
        for r in reports {
            by_organ.entry(normalized(&r.organ)).or_default().push(r);
        }
        LastYear { by_organ }
    }

    /// The report of `organ` last year, when there is exactly one. Two of one name
    /// cannot be told apart: none is taken, and the warning says so.
    pub fn of(&self, organ: &str) -> (Option<&Report>, Option<Diagnostic>) {
        match self.by_organ.get(&normalized(organ)).map(Vec::as_slice) {
            Some([one]) => (Some(one), None),
            Some(many) if many.len() > 1 => (
                None,
                Some(Diagnostic::warning(
                    Rule::Previous,
                    "",
                    format!(
                        "上一年度有 {} 份“{organ}”的报告，无法确定对照哪一份，未进行跨年度核对",
                        many.len()
                    ),
                )),
            ),
            _ => (None, None),
        }
    }
}

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
    /// Whether any unit has an error (or could not be read), whatever its status:
    /// a report of a body not on the roster (名单外) with an error counts too.
    pub fn has_errors(&self) -> bool {
        self.units
            .iter()
            .any(|u| u.errors > 0 || matches!(u.status, Status::Errors | Status::Unreadable))
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

/// Audits the reports `this` (in the order given), with `last` year's reports and the
/// `roster` of the units expected. Each submission is read by the caller and checked
/// here, one at a time (an iterator that reads lazily keeps one report in memory).
pub fn audit(
    this: impl IntoIterator<Item = Submission>,
    last: &LastYear,
    roster: Option<&[RosterEntry]>,
    options: &Options,
) -> Audit {
    let roster_kind = |organ: &str| {
        roster.and_then(|r| {
            r.iter()
                .find(|e| normalized(&e.organ) == normalized(organ))
                .and_then(|e| e.kind)
        })
    };
    let mut out = Audit::default();
    let mut seen: HashMap<String, String> = HashMap::new();
    for Submission { source, read } in this {
        let file = source;
        let stem = std::path::Path::new(&file)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let decoded = match read {
            Ok(d) => d,
            Err(message) => {
                let d = Diagnostic::error(Rule::Read, "", message).in_file(&file);
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
        let (prev, ambiguous) = last.of(&organ);
        extra.extend(ambiguous);
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

/// A report that [`summable`] leaves out of a sum, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeftOut {
    /// The file could not be read at all (the reader's message).
    Unreadable {
        /// Where it came from.
        source: String,
        /// The reader's Chinese message.
        message: String,
    },
    /// The report has errors (a sum of wrong figures is wrong).
    Errors {
        /// Where it came from.
        source: String,
        /// How many errors the check found.
        errors: usize,
    },
}

impl LeftOut {
    /// Where the report came from.
    pub fn source(&self) -> &str {
        match self {
            LeftOut::Unreadable { source, .. } | LeftOut::Errors { source, .. } => source,
        }
    }
}

/// The reports that may be added up, each with its source: those that read and check
/// without errors, as checked — every 总计 the unit left to be computed is written
/// out ([`crate::derive::with_totals`]), so that a total left blank is added as its
/// computed value, never as 0. The rest are [`LeftOut`], in the order given.
pub fn summable(
    reports: impl IntoIterator<Item = Submission>,
) -> (Vec<(String, Report)>, Vec<LeftOut>) {
    let (mut kept, mut left_out) = (Vec::new(), Vec::new());
    for Submission { source, read } in reports {
        let decoded = match read {
            Ok(d) => d,
            Err(message) => {
                left_out.push(LeftOut::Unreadable { source, message });
                continue;
            }
        };
        match check::check(decoded, None) {
            Ok(c) => {
                let errors = c.diagnostics.iter().filter(|d| d.is_error()).count();
                if errors == 0 {
                    kept.push((source, crate::derive::with_totals(&c.report, &c.totals)));
                } else {
                    left_out.push(LeftOut::Errors { source, errors });
                }
            }
            Err(diags) => {
                let errors = diags.iter().filter(|d| d.is_error()).count().max(1);
                left_out.push(LeftOut::Errors { source, errors });
            }
        }
    }
    (kept, left_out)
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
    let mut out = crate::derive::starting_report(edition, year, organ);
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
                            values: a
                                .iter()
                                .zip(&b)
                                .map(|(x, y)| x.saturating_add(*y))
                                .collect(),
                            given_total: None,
                        }
                    }
                    (Some(Values::Int(a)), Values::Int(b)) => Values::Int(a.saturating_add(b)),
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

/// 层级汇总一致性: each report in `parents` (reports already audited, found by their
/// source) compared, cell by cell, with the sum of the `children` reports of its year
/// and edition (those [`summable`] keeps). Every cell that differs is a
/// `hierarchy-sum` warning on the parent's unit, at the parent's cell, with the
/// children's sum as the expected value. Children that cannot be read or have errors
/// are named in one warning, since the sum leaves them out.
pub fn check_children(
    audit: &mut Audit,
    parents: impl IntoIterator<Item = Submission>,
    children: impl IntoIterator<Item = Submission>,
) {
    let (kids, left_out) = summable(children);
    let left_out: Vec<String> = left_out.iter().map(|l| l.source().to_string()).collect();
    for Submission { source, read } in parents {
        let file = source;
        let Some(unit) = audit.units.iter().position(|u| u.file == file) else {
            continue;
        };
        let Ok(decoded) = read else {
            continue;
        };
        let positions = decoded.positions.clone();
        // Compared as checked, like the children: a 总计 the parent left to be
        // computed is its computed value.
        let Ok(checked) = check::check(decoded, None) else {
            continue;
        };
        let report = crate::derive::with_totals(&checked.report, &checked.totals);
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
