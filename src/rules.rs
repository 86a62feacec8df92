//! The arithmetic rules of formats.md §4: R1, R3, R4, R5 within a report,
//! R6, R7, R8 against the previous year's report.

use std::collections::{BTreeMap, HashSet};

use crate::decode::Positions;
use crate::diag::Diagnostic;
use crate::model::{Edition, Report, Values};
use crate::tables::{self, APPLICANT_COLUMNS, RESULT_COLUMNS, Shape, TableId};

/// Rows of table 三 that are not results of this year's handling.
const NOT_RESULTS: [&str; 4] = [
    "applications.new",
    "applications.carried_over",
    "applications.total",
    "applications.carried_forward",
];

/// The rows of table 三 and 四 with every 总计 computed from the counts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Computed {
    /// Full rows (counts followed by their 总计), by key path. Includes
    /// `applications.total` (the column sums of all result rows) and, for each
    /// group of table 三 (`applications.refused` …), its subtotal row.
    pub rows: BTreeMap<String, Vec<i128>>,
}

/// The key paths of the result rows of table 三 ((一) to (六)), in table order.
pub fn result_rows(edition: Edition) -> Vec<&'static str> {
    tables::tables(edition)
        .iter()
        .find(|t| t.id == TableId::Applications)
        .map(|t| {
            t.fields()
                .into_iter()
                .map(|f| f.path)
                .filter(|p| !NOT_RESULTS.contains(p))
                .collect()
        })
        .unwrap_or_default()
}

fn with_total(counts: &[i64]) -> Vec<i128> {
    let mut row: Vec<i128> = counts.iter().map(|&v| i128::from(v)).collect();
    row.push(row.iter().sum());
    row
}

/// Computes every 总计 of tables 三 and 四.
pub fn compute(report: &Report) -> Computed {
    let mut rows = BTreeMap::new();
    for table in tables::tables(report.edition) {
        for f in table.fields() {
            if let Shape::Row { len, .. } = f.shape {
                rows.insert(f.path.to_string(), with_total(&report.row(f.path, len)));
            }
        }
    }
    let results = result_rows(report.edition);
    let mut total = vec![0i128; APPLICANT_COLUMNS + 1];
    let mut groups: BTreeMap<String, Vec<i128>> = BTreeMap::new();
    for path in &results {
        let row = &rows[*path];
        for (t, v) in total.iter_mut().zip(row) {
            *t += v;
        }
        if let Some((group, _)) = path.rsplit_once('.')
            && group != "applications"
        {
            let g = groups
                .entry(group.to_string())
                .or_insert_with(|| vec![0; APPLICANT_COLUMNS + 1]);
            for (t, v) in g.iter_mut().zip(row) {
                *t += v;
            }
        }
    }
    rows.insert("applications.total".to_string(), total);
    rows.extend(groups);
    Computed { rows }
}

/// Names a cell the way the form does: 表三 “（七）总计” 行 “自然人” 列.
pub fn place(edition: Edition, path: &str, index: Option<usize>) -> String {
    let Some(table) = tables::table_for(edition, path) else {
        return path.to_string();
    };
    let (row, col) = table.cell_words(path, index);
    match row {
        Some(r) if !col.is_empty() => format!("表{} “{r}” 行 “{col}” 列", table.number),
        Some(r) => format!("表{} “{r}” 行", table.number),
        None => format!("表{} “{col}” 列", table.number),
    }
}

/// What the rules need besides the report.
pub struct Context<'a> {
    /// Where the keys were written.
    pub positions: &'a Positions,
    /// Key paths whose values could not be read: rules needing them are skipped.
    pub invalid: &'a HashSet<String>,
}

impl Context<'_> {
    fn ok(&self, paths: &[&str]) -> bool {
        paths.iter().all(|p| !self.invalid.contains(*p))
    }

    fn at(&self, d: Diagnostic, path: &str) -> Diagnostic {
        d.at(self.positions.nearest(path))
    }
}

fn given_total(report: &Report, path: &str) -> Option<i64> {
    match report.values.get(path) {
        Some(Values::Row { given_total, .. }) => *given_total,
        _ => None,
    }
}

/// R1, R3, R4, R5: the rules that hold within one report.
pub fn check(report: &Report, cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let e = report.edition;
    let computed = compute(report);
    let results = result_rows(e);

    // R3 and R5: a 总计 written in a row equals the sum of the row.
    for table in tables::tables(e) {
        let (rule, len) = match table.id {
            TableId::Applications => ("R3", APPLICANT_COLUMNS),
            TableId::ReviewsAndLawsuits => ("R5", RESULT_COLUMNS),
            TableId::ActiveDisclosure => continue,
        };
        for f in table.fields() {
            let Some(given) = given_total(report, f.path) else {
                continue;
            };
            let sum: i128 = report.row(f.path, len).iter().map(|&v| i128::from(v)).sum();
            if i128::from(given) != sum {
                let p = format!("{}[{len}]", f.path);
                let place = place(e, f.path, Some(len));
                let d = Diagnostic::error(
                    rule,
                    &p,
                    format!("{place}：总计应为本行各栏之和 {sum}，实为 {given}"),
                )
                .cell(place, sum, given);
                out.push(cx.at(d, &p));
            }
        }
    }

    // R4: a written （七）总计 equals the column sums of all results.
    if let Some(Values::Row { values, .. }) = report.values.get("applications.total")
        && cx.ok(&results)
    {
        for (j, &given) in values.iter().enumerate() {
            let sum = computed.rows["applications.total"][j];
            if i128::from(given) != sum {
                let p = format!("applications.total[{j}]");
                let place = place(e, "applications.total", Some(j));
                let d = Diagnostic::error(
                    "R4",
                    &p,
                    format!("{place}：应为（一）至（六）各项之和 {sum}，实为 {given}"),
                )
                .cell(place, sum, given)
                .hint("（七）总计 =（一）予以公开 +（二）部分公开 +（三）不予公开各项 +（四）无法提供各项 +（五）不予处理各项 +（六）其他处理");
                out.push(cx.at(d, &p));
            }
        }
    }

    // R1: per column, 一 + 二 = 三（七）总计 + 四.
    let mut needed = results.clone();
    needed.extend([
        "applications.new",
        "applications.carried_over",
        "applications.carried_forward",
    ]);
    if cx.ok(&needed) {
        let row = |p: &str| &computed.rows[p];
        for j in 0..=APPLICANT_COLUMNS {
            let incoming = row("applications.new")[j] + row("applications.carried_over")[j];
            let outgoing = row("applications.total")[j] + row("applications.carried_forward")[j];
            if incoming != outgoing {
                let p = format!("applications.carried_forward[{j}]");
                let col = tables::table_for(e, "applications")
                    .map(|t| t.cell_words("applications.new", Some(j)).1)
                    .unwrap_or_default();
                let place = format!("表三 “{col}” 列");
                let d = Diagnostic::error(
                    "R1",
                    &p,
                    format!(
                        "{place}：一、本年新收 + 二、上年结转 = {incoming}，但 三、（七）总计 + 四、结转下年度 = {outgoing}"
                    ),
                )
                .cell(place, incoming, outgoing)
                .hint("本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和");
                out.push(cx.at(d, &p));
            }
        }
    }
    out
}

/// R6, R7, R8 and the match of the two files: warnings comparing with last year's report.
pub fn check_previous(report: &Report, previous: &Report, cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let e = report.edition;
    if previous.year != report.year - 1 {
        out.push(cx.at(
            Diagnostic::warning(
                "previous",
                "year",
                format!(
                    "上一年度的报告应为 {} 年度，所给文件为 {} 年度：跨年度核对（R6–R8）未进行",
                    report.year - 1,
                    previous.year
                ),
            ),
            "year",
        ));
        return out;
    }
    if previous.organ.trim() != report.organ.trim() {
        out.push(cx.at(
            Diagnostic::warning(
                "previous",
                "organ",
                format!(
                    "上一年度报告的机关为 “{}”，与本报告 “{}” 不同",
                    previous.organ, report.organ
                ),
            ),
            "organ",
        ));
    }

    // R6: 上年结转 (N) = 结转下年度继续办理 (N−1).
    let this = report.row("applications.carried_over", APPLICANT_COLUMNS);
    let last = previous.row("applications.carried_forward", APPLICANT_COLUMNS);
    if cx.ok(&["applications.carried_over"]) {
        for j in 0..APPLICANT_COLUMNS {
            if this[j] != last[j] {
                let p = format!("applications.carried_over[{j}]");
                let place = place(e, "applications.carried_over", Some(j));
                let d = Diagnostic::warning(
                    "R6",
                    &p,
                    format!(
                        "{place}：应等于 {} 年度报告 “四、结转下年度继续办理” 的 {}，实为 {}",
                        previous.year, last[j], this[j]
                    ),
                )
                .cell(place, last[j], this[j]);
                out.push(cx.at(d, &p));
            }
        }
    }

    if previous.edition != e {
        return out;
    }
    let mut stock = |rule: &'static str, path: String, expected: Option<i64>, why: String| {
        let (Some(expected), Some(found)) = (expected, report.int(&path)) else {
            return;
        };
        if expected != found && cx.ok(&[path.as_str()]) {
            let place = place(e, &path, None);
            let d = Diagnostic::warning(
                rule,
                &path,
                format!("{place}：{why} = {expected}，实为 {found}"),
            )
            .cell(place, expected, found);
            out.push(cx.at(d, &path));
        }
    };
    let int = |r: &Report, p: &str| r.int(p);
    match e {
        Edition::Y2021 => {
            // R7: 现行有效件数 (N) = 现行有效件数 (N−1) + 本年制发件数 (N) − 本年废止件数 (N).
            for row in ["regulations", "normative_documents"] {
                let base = format!("active_disclosure.{row}");
                let expected = (|| {
                    Some(
                        int(previous, &format!("{base}.in_force"))?
                            + int(report, &format!("{base}.issued"))?
                            - int(report, &format!("{base}.repealed"))?,
                    )
                })();
                stock(
                    "R7",
                    format!("{base}.in_force"),
                    expected,
                    "上年现行有效件数 + 本年制发件数 − 本年废止件数".into(),
                );
            }
        }
        Edition::Y2019 => {
            // R8: 上一年项目数量 (N) = 上一年项目数量 (N−1) + 本年增/减 (N−1);
            //     对外公开总数量 (N) = 对外公开总数量 (N−1) + 本年新公开数量 (N).
            for row in [
                "licensing",
                "other_services",
                "penalties",
                "enforcement",
                "fees",
            ] {
                let base = format!("active_disclosure.{row}");
                let expected = (|| {
                    Some(
                        int(previous, &format!("{base}.previous"))?
                            + int(previous, &format!("{base}.change"))?,
                    )
                })();
                stock(
                    "R8",
                    format!("{base}.previous"),
                    expected,
                    format!("{} 年度的上一年项目数量 + 本年增/减", previous.year),
                );
            }
            for row in ["regulations", "normative_documents"] {
                let base = format!("active_disclosure.{row}");
                let expected = (|| {
                    Some(
                        int(previous, &format!("{base}.total"))?
                            + int(report, &format!("{base}.published"))?,
                    )
                })();
                stock(
                    "R8",
                    format!("{base}.total"),
                    expected,
                    "上年对外公开总数量 + 本年新公开数量".into(),
                );
            }
        }
    }
    out
}

/// Names of the columns of table 三 in expressions, in input order, then 总计.
pub const APPLICANT_NAMES: &[&str] = &[
    "natural_person",
    "commercial",
    "research",
    "public_interest",
    "legal_service",
    "other_org",
    "total",
];

/// Names of the columns of table 四 in expressions, in input order, then 总计.
pub const RESULT_NAMES: &[&str] = &["upheld", "corrected", "other_result", "pending", "total"];
