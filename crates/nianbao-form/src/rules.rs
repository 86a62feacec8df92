//! The arithmetic rules of formats.md §4: R1, R3, R4, R5 within a report,
//! R6, R7, R8 against the previous year's report.

use std::collections::{BTreeMap, HashSet};

use crate::decode::Positions;
use crate::diag::{Diagnostic, Rule};
use crate::locate::{self, Defect, Equation, Located, RowKind, TOTAL};
use crate::model::{Edition, Report, Values};
use crate::tables::{self, APPLICANT_COLUMNS, RESULT_COLUMNS, Shape, TableId, rows};

/// Rows of table 三 that are not results of this year's handling.
const NOT_RESULTS: [&str; 4] = [
    rows::NEW,
    rows::CARRIED_OVER,
    rows::RESULTS_TOTAL,
    rows::CARRIED_FORWARD,
];

/// The hint of R4: what （七）总计 adds up.
const R4_HINT: &str = "（七）总计 =（一）予以公开 +（二）部分公开 +（三）不予公开各项 +（四）无法提供各项 +（五）不予处理各项 +（六）其他处理";
/// The hint of R1: the balance of a column.
const R1_HINT: &str = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和";

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
    rows.insert(rows::RESULTS_TOTAL.to_string(), total);
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

/// The counts of a row of table 三 or 四 that the form has (zeros when left out).
///
/// # Panics
/// When the form has no such row (see [`tables::field`]).
fn row(report: &Report, path: &str) -> Vec<i64> {
    match tables::field(report.edition, path).shape {
        Shape::Row { len, .. } => report.row(path, len),
        Shape::Scalar(_) => panic!("{path} is not a row"),
    }
}

/// A number of table 二 that the form has (`None` when it is not a whole number).
///
/// # Panics
/// When the form has no such cell (see [`tables::field`]).
fn int(report: &Report, path: &str) -> Option<i64> {
    tables::field(report.edition, path);
    report.int(path)
}

fn given_total(report: &Report, path: &str) -> Option<i64> {
    match report.values.get(path) {
        Some(Values::Row { given_total, .. }) => *given_total,
        _ => None,
    }
}

/// R1, R3, R4, R5: the rules that hold within one report. Table 三's defects are
/// located ([`locate`]): one error per defect, at the cell most likely wrong; only
/// when that cannot be done (unreadable cells, more than three defects) is each
/// failing rule reported on its own.
pub fn check(report: &Report, computed: &Computed, cx: &Context) -> Vec<Diagnostic> {
    let table_paths: Vec<&str> = tables::table_for(report.edition, "applications")
        .map(|t| t.fields().into_iter().map(|f| f.path).collect())
        .unwrap_or_default();
    let located = if cx.ok(&table_paths) {
        locate::locate(report)
    } else {
        Located::Unexplained
    };
    let mut out = match located {
        Located::Consistent => Vec::new(),
        Located::Defects(defects) => defects
            .iter()
            .map(|d| {
                let (path, d) = defect_diagnostic(report, d);
                cx.at(d, &path)
            })
            .collect(),
        Located::Unexplained => table_three_rule_by_rule(report, computed, cx),
    };
    out.extend(row_totals(report, TableId::ReviewsAndLawsuits, cx));
    out.extend(unfilled(report, cx));
    out
}

/// Warnings for tables that look unfilled: table 三 given with no row (its rows may
/// be left out, so nothing else would say so), or all three tables zero while the
/// prose quotes a count (“收到申请 12 件”).
fn unfilled(report: &Report, cx: &Context) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let written = |key: &str| {
        let prefix = format!("{key}.");
        report.values.keys().any(|p| p.starts_with(&prefix))
    };
    // In a text file only: a workbook always has the rows (a damaged or missing sheet
    // is an error of its own).
    let in_text = cx
        .positions
        .get("applications")
        .is_some_and(|p| p.sheet.is_none());
    if in_text && !written("applications") {
        out.push(
            cx.at(
                Diagnostic::warning(
                    Rule::UnfilledTable,
                    "applications",
                    "表三未填写：“applications” 下没有任何一行，按全部为 0 处理",
                )
                .hint("没有申请时也请写出各行（填 0），以表明已经统计"),
                "applications",
            ),
        );
    }
    let all_zero = report.values.values().all(|v| match v {
        Values::Row {
            values,
            given_total,
        } => values.iter().all(|&x| x == 0) && given_total.unwrap_or(0) == 0,
        Values::Int(x) => *x == 0,
        Values::Money(m) => m.trim_start_matches(['0', '.']).is_empty(),
    });
    if all_zero {
        let quoted = crate::expr::texts(report).into_iter().find(|(_, text)| {
            let chars: Vec<char> = text.chars().collect();
            chars.iter().enumerate().any(|(i, c)| {
                // A number other than 0, followed by a unit of count.
                c.is_ascii_digit()
                    && *c != '0'
                    && chars[i + 1..]
                        .iter()
                        .find(|d| !d.is_ascii_digit())
                        .is_some_and(|u| "件条起项人次".contains(*u))
            })
        });
        if let Some((path, _)) = quoted {
            out.push(
                cx.at(
                    Diagnostic::warning(
                        Rule::UnfilledTable,
                        &path,
                        "表二、表三、表四全部为 0，而正文中写有数量：表格似乎未填写",
                    )
                    .hint("请按实际情况填写表格，或用 {{…}} 表达式让正文引用表格中的数"),
                    &path,
                ),
            );
        }
    }
    out
}

/// The words of a column of table 三: 自然人 … 总计.
fn column_words(e: Edition, j: usize) -> String {
    tables::table_for(e, "applications")
        .map(|t| t.cell_words(rows::NEW, Some(j)).1)
        .unwrap_or_default()
}

/// The diagnostic of a located defect of table 三, and the key path it is at.
fn defect_diagnostic(report: &Report, d: &Defect) -> (String, Diagnostic) {
    let e = report.edition;
    let (path, j) = (d.cell.path, d.cell.column);
    let expected = i128::from(d.found) + i128::from(d.delta);
    if j == TOTAL && !d.with_row_total {
        // A written 总计 alone: R3, in its own words.
        return row_total_error(e, Rule::R3, path, TOTAL, expected, d.found);
    }
    let amount = if d.delta < 0 {
        format!("多计 {}", -d.delta)
    } else {
        format!("少计 {}", d.delta)
    };
    let follows = if d.with_row_total {
        "（本行总计随之有误）"
    } else {
        ""
    };
    // The other cells that explain it as well; result rows named together.
    let mut alternatives: Vec<String> = Vec::new();
    let mut results_named = d.kind == RowKind::Result;
    for (cell, kind, value) in &d.alternatives {
        if *kind != RowKind::Result {
            let place = place(e, cell.path, Some(cell.column));
            alternatives.push(format!("{place}应为 {value}"));
        } else if !results_named {
            alternatives.push(format!("（一）至（六）中的某一项{amount}"));
            results_named = true;
        }
    }
    alternatives.truncate(4);
    let hint = |default: &str| {
        if alternatives.is_empty() {
            default.to_string()
        } else {
            format!("或：{}", alternatives.join("；或："))
        }
    };
    if d.kind == RowKind::GrandTotal {
        let (path, mut diag) = grand_total_error(e, j, expected, d.found);
        diag.message.push_str(follows);
        diag.hint = Some(hint(R4_HINT));
        return (path, diag);
    }

    // The printed numbers of a row in a column (the row's written 总计, or its sum).
    let grand_written = report.values.contains_key(rows::RESULTS_TOTAL);
    let results = result_rows(e);
    let printed = |p: &str, col: usize| -> i128 {
        let row = report.row(p, APPLICANT_COLUMNS);
        match (col, given_total(report, p)) {
            (TOTAL, Some(t)) => i128::from(t),
            (TOTAL, None) => row.iter().map(|&v| i128::from(v)).sum(),
            _ => i128::from(row[col]),
        }
    };
    let results_sum = |col: usize| -> i128 { results.iter().map(|r| printed(r, col)).sum() };
    let grand = |col: usize| -> i128 {
        if grand_written {
            printed(rows::RESULTS_TOTAL, col)
        } else {
            results_sum(col)
        }
    };
    // Why, in the words of the first rule the defect breaks.
    let why = match d.explains.first() {
        Some(Equation::Balance(c)) => format!(
            "表三 “{}” 列 一、本年新收 + 二、上年结转 = {}，但 三、（七）总计 + 四、结转下年度 = {}",
            column_words(e, *c),
            printed(rows::NEW, *c) + printed(rows::CARRIED_OVER, *c),
            grand(*c) + printed(rows::CARRIED_FORWARD, *c)
        ),
        Some(Equation::GrandTotal(c)) => format!(
            "表三 “{}” 列（一）至（六）各项之和 {}，（七）总计 {}",
            column_words(e, *c),
            results_sum(*c),
            grand(*c)
        ),
        Some(Equation::RowTotal(p)) => format!(
            "本行各栏之和 {}，总计 {}",
            (0..APPLICANT_COLUMNS).map(|c| printed(p, c)).sum::<i128>(),
            printed(p, TOTAL)
        ),
        None => String::new(),
    };
    let ambiguous =
        d.kind == RowKind::Result && d.alternatives.iter().any(|(_, k, _)| *k == RowKind::Result);
    let diag = if ambiguous {
        // Any result row of the column would explain it: the table cannot tell which.
        let place = format!("表三 “{}” 列（一）至（六）各项", column_words(e, j));
        let sum = results_sum(j);
        if grand_written {
            // The results disagree with a （七）总计 that agrees with 一、二、四.
            let message = format!(
                "{place}之和 {sum}，与（七）总计 {} 不符：（七）总计与 一、二、四 相符，应是（一）至（六）中的某一项{amount}",
                grand(j)
            );
            let p = format!("{}[{j}]", rows::RESULTS_TOTAL);
            let diag = Diagnostic::error(Rule::R4, &p, message)
                .cell(place, grand(j), sum)
                .hint(hint(R4_HINT));
            return (p, diag);
        }
        // No （七）总计 written: the results stand in R1.
        let message = format!("{place}中的某一项{amount}（{why}）");
        Diagnostic::error(Rule::R1, format!("{path}[{j}]"), message)
            .cell(place, sum + i128::from(d.delta), sum)
            .hint(hint(R1_HINT))
    } else {
        let (rule, default) = match d.kind {
            RowKind::Result if grand_written => (Rule::R4, R4_HINT),
            _ => (Rule::R1, R1_HINT),
        };
        let place = place(e, path, Some(j));
        let message = format!(
            "{place}：{amount}，应为 {expected}，实为 {}{follows}（{why}）",
            d.found
        );
        Diagnostic::error(rule, format!("{path}[{j}]"), message)
            .cell(place, expected, d.found)
            .hint(hint(default))
    };
    (diag.path.clone(), diag)
}

/// The error of a written 总计 that is not the sum of its row (R3, R5): its key
/// path and the diagnostic.
fn row_total_error(
    e: Edition,
    rule: Rule,
    path: &str,
    len: usize,
    sum: i128,
    given: i64,
) -> (String, Diagnostic) {
    let p = format!("{path}[{len}]");
    let place = place(e, path, Some(len));
    let d = Diagnostic::error(
        rule,
        &p,
        format!("{place}：总计应为本行各栏之和 {sum}，实为 {given}"),
    )
    .cell(place, sum, given);
    (p, d)
}

/// The error of a written （七）总计 that is not the sum of the results (R4).
fn grand_total_error(e: Edition, j: usize, sum: i128, given: i64) -> (String, Diagnostic) {
    let p = format!("{}[{j}]", rows::RESULTS_TOTAL);
    let place = place(e, rows::RESULTS_TOTAL, Some(j));
    let d = Diagnostic::error(
        Rule::R4,
        &p,
        format!("{place}：应为（一）至（六）各项之和 {sum}，实为 {given}"),
    )
    .cell(place, sum, given)
    .hint(R4_HINT);
    (p, d)
}

/// R3 or R5: each written 总计 of the table's rows equals the sum of its row.
fn row_totals(report: &Report, table: TableId, cx: &Context) -> Vec<Diagnostic> {
    let e = report.edition;
    let (rule, len) = match table {
        TableId::Applications => (Rule::R3, APPLICANT_COLUMNS),
        TableId::ReviewsAndLawsuits => (Rule::R5, RESULT_COLUMNS),
        TableId::ActiveDisclosure => return Vec::new(),
    };
    let Some(spec) = tables::tables(e).iter().find(|t| t.id == table) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in spec.fields() {
        let Some(given) = given_total(report, f.path) else {
            continue;
        };
        let sum: i128 = report.row(f.path, len).iter().map(|&v| i128::from(v)).sum();
        if i128::from(given) != sum {
            let (p, d) = row_total_error(e, rule, f.path, len, sum, given);
            out.push(cx.at(d, &p));
        }
    }
    out
}

/// Table 三's rules each on its own (R3, R4, R1), for when its defects cannot be
/// located (unreadable cells, more than three defects).
fn table_three_rule_by_rule(report: &Report, computed: &Computed, cx: &Context) -> Vec<Diagnostic> {
    let e = report.edition;
    let results = result_rows(e);
    let mut out = row_totals(report, TableId::Applications, cx);

    // R4: a written （七）总计 equals the column sums of all results.
    if let Some(Values::Row { values, .. }) = report.values.get(rows::RESULTS_TOTAL)
        && cx.ok(&results)
    {
        for (j, &given) in values.iter().enumerate() {
            let sum = computed.rows[rows::RESULTS_TOTAL][j];
            if i128::from(given) != sum {
                let (p, d) = grand_total_error(e, j, sum, given);
                out.push(cx.at(d, &p));
            }
        }
    }

    // R1: per column, 一 + 二 = 三（七）总计 + 四.
    let mut needed = results.clone();
    needed.extend([rows::NEW, rows::CARRIED_OVER, rows::CARRIED_FORWARD]);
    if cx.ok(&needed) {
        let row = |p: &str| &computed.rows[p];
        for j in 0..=APPLICANT_COLUMNS {
            let incoming = row(rows::NEW)[j] + row(rows::CARRIED_OVER)[j];
            let outgoing = row(rows::RESULTS_TOTAL)[j] + row(rows::CARRIED_FORWARD)[j];
            if incoming != outgoing {
                let p = format!("{}[{j}]", rows::CARRIED_FORWARD);
                let place = format!("表三 “{}” 列", column_words(e, j));
                let d = Diagnostic::error(
                    Rule::R1,
                    &p,
                    format!(
                        "{place}：一、本年新收 + 二、上年结转 = {incoming}，但 三、（七）总计 + 四、结转下年度 = {outgoing}"
                    ),
                )
                .cell(place, incoming, outgoing)
                .hint(R1_HINT);
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
                Rule::Previous,
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
                Rule::Previous,
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
    let this = row(report, rows::CARRIED_OVER);
    let last = row(previous, rows::CARRIED_FORWARD);
    if cx.ok(&[rows::CARRIED_OVER]) {
        for j in 0..APPLICANT_COLUMNS {
            if this[j] != last[j] {
                let p = format!("{}[{j}]", rows::CARRIED_OVER);
                let place = place(e, rows::CARRIED_OVER, Some(j));
                let d = Diagnostic::warning(
                    Rule::R6,
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
    let mut stock = |rule: Rule, path: String, expected: Option<i64>, why: String| {
        let (Some(expected), Some(found)) = (expected, int(report, &path)) else {
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
                    Rule::R7,
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
                    Rule::R8,
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
                    Rule::R8,
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
