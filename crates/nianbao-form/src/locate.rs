//! Fault localisation for table 三: one error per defect, at the cell most likely wrong.
//!
//! Table 三 is over-determined: each row's written 总计 (R3), the （七）总计 row (R4)
//! and, per column, 一 + 二 = 三（七）总计 + 四 (R1) check each other. Every rule is a
//! linear equation over the *written* cells, with a quantity that was not written
//! (a row's 总计, the （七）总计 row) replaced by the sum it stands for:
//!
//! ```text
//! R3  row p, total written:  t_p − Σ_j x_pj = 0
//! R4  column j, （七） written: T_j − Σ_results x_rj = 0
//! R1  column j:              x_new,j + x_co,j − RT_j − x_cf,j = 0
//!     (RT_j = T_j when written, else Σ_results x_rj; the 总计 column uses each
//!      row's written 总计, or its sum)
//! ```
//!
//! When some equations fail, [`locate`] finds the smallest set of cells whose
//! correction makes every equation hold, the written numbers being the starting
//! point: each set of one, then two (then three) cells of the failing equations is
//! solved exactly. A cell changed together with its own row's 总计 by the same amount
//! counts as one defect (the total followed the cell, as a `SUM` does). Among
//! explanations with as few defects, the one whose cells are most often wrong in
//! published reports is chosen (结转下年度, computed by clerks as a remainder, before
//! （七）总计, a row's 总计, the result rows, 上年结转 and 新收); the other single
//! cells that explain it as well are offered as alternatives. Consequences of a
//! defect (the failing equations it explains) are not reported on their own.

use std::collections::BTreeMap;

use crate::model::{Report, Values};
use crate::tables::{self, APPLICANT_COLUMNS, Shape, TableId, rows};

/// A written cell of table 三: the row's key path and the column (0–5 the
/// applicant columns, 6 the row's written 总计).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellId {
    /// The row's key path.
    pub path: &'static str,
    /// The column: 0–5 the applicant columns, [`TOTAL`] the row's 总计.
    pub column: usize,
}

/// The column of a row's 总计.
pub const TOTAL: usize = APPLICANT_COLUMNS;

/// Which rule an equation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Equation {
    /// R3: the written 总计 of a row equals its sum.
    RowTotal(&'static str),
    /// R4: the written （七）总计 of a column equals the sum of the results.
    GrandTotal(usize),
    /// R1: in a column (or the 总计 column, [`TOTAL`]), 一 + 二 = 三（七） + 四.
    Balance(usize),
}

/// One equation: Σ coefficient × cell = 0 over written cells.
#[derive(Clone, Debug)]
struct Constraint {
    equation: Equation,
    terms: Vec<(usize, i64)>,
    residual: i128,
}

/// The role of a row of table 三, for the likelihood of its cells being wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RowKind {
    /// 四、结转下年度继续办理: computed by clerks as a remainder.
    CarriedForward,
    /// （七）总计.
    GrandTotal,
    /// One of the result rows （一）–（六）.
    Result,
    /// 二、上年结转: copied from last year's report.
    CarriedOver,
    /// 一、本年新收: counted.
    New,
}

/// One located defect: the cell to correct and by how much.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Defect {
    /// The cell most likely wrong.
    pub cell: CellId,
    /// What the row is.
    pub kind: RowKind,
    /// The number written there.
    pub found: i64,
    /// The correction: the cell should be `found + delta`.
    pub delta: i64,
    /// Whether the row's written 总计 is off by the same amount (one defect).
    pub with_row_total: bool,
    /// The equations this defect makes fail.
    pub explains: Vec<Equation>,
    /// Other single cells that would explain the same failures as well, with the
    /// value each should have.
    pub alternatives: Vec<(CellId, RowKind, i64)>,
}

/// What [`locate`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Located {
    /// Every equation holds.
    Consistent,
    /// The defects, each to be reported once.
    Defects(Vec<Defect>),
    /// No explanation with at most three defects: report the failing equations.
    Unexplained,
}

struct System {
    cells: Vec<(CellId, RowKind, i64)>,
    constraints: Vec<Constraint>,
    /// For each cell, the equations it stands in and its coefficient there.
    memberships: Vec<Vec<(usize, i64)>>,
    /// The equations that fail, by index.
    failing: Vec<usize>,
}

fn kind_of(path: &str) -> RowKind {
    match path {
        rows::CARRIED_FORWARD => RowKind::CarriedForward,
        rows::RESULTS_TOTAL => RowKind::GrandTotal,
        rows::CARRIED_OVER => RowKind::CarriedOver,
        rows::NEW => RowKind::New,
        _ => RowKind::Result,
    }
}

fn build(report: &Report) -> System {
    let table = tables::tables(report.edition)
        .iter()
        .find(|t| t.id == TableId::Applications)
        .expect("every edition has table 三");
    let mut cells: Vec<(CellId, RowKind, i64)> = Vec::new();
    let mut index: BTreeMap<CellId, usize> = BTreeMap::new();
    let mut row_paths: Vec<&'static str> = Vec::new();
    for f in table.fields() {
        let Shape::Row { len, .. } = f.shape else {
            continue;
        };
        let (values, given) = match report.values.get(f.path) {
            Some(Values::Row {
                values,
                given_total,
            }) => (values.clone(), *given_total),
            // （七）总计 left out is computed, not a cell; another row left out is blank.
            _ if f.path == rows::RESULTS_TOTAL => continue,
            _ => (vec![0; len], None),
        };
        row_paths.push(f.path);
        for (column, &v) in values.iter().enumerate().take(len) {
            let id = CellId {
                path: f.path,
                column,
            };
            index.insert(id, cells.len());
            cells.push((id, kind_of(f.path), v));
        }
        if let Some(t) = given {
            let id = CellId {
                path: f.path,
                column: TOTAL,
            };
            index.insert(id, cells.len());
            cells.push((id, kind_of(f.path), t));
        }
    }
    let at = |path: &'static str, column: usize| index.get(&CellId { path, column }).copied();
    // Every result row is a cell row (a row left out is blank, not absent).
    let results = crate::rules::result_rows(report.edition);
    // A row's 总计: its written total, or the sum of its cells.
    let total_terms = |path: &'static str, sign: i64| -> Vec<(usize, i64)> {
        match at(path, TOTAL) {
            Some(t) => vec![(t, sign)],
            None => (0..APPLICANT_COLUMNS)
                .filter_map(|j| at(path, j).map(|c| (c, sign)))
                .collect(),
        }
    };
    let grand_written = row_paths.contains(&rows::RESULTS_TOTAL);
    let mut constraints = Vec::new();
    for &p in &row_paths {
        if let Some(t) = at(p, TOTAL) {
            let mut terms = vec![(t, 1)];
            terms.extend((0..APPLICANT_COLUMNS).filter_map(|j| at(p, j).map(|c| (c, -1))));
            constraints.push((Equation::RowTotal(p), terms));
        }
    }
    for j in 0..APPLICANT_COLUMNS {
        let result_terms: Vec<(usize, i64)> = results
            .iter()
            .filter_map(|r| at(r, j).map(|c| (c, -1)))
            .collect();
        if grand_written {
            let mut terms = vec![(at(rows::RESULTS_TOTAL, j).expect("written"), 1)];
            terms.extend(result_terms.iter().copied());
            constraints.push((Equation::GrandTotal(j), terms));
        }
        let mut terms: Vec<(usize, i64)> = [rows::NEW, rows::CARRIED_OVER]
            .iter()
            .filter_map(|p| at(p, j).map(|c| (c, 1)))
            .collect();
        terms.extend(at(rows::CARRIED_FORWARD, j).map(|c| (c, -1)));
        if grand_written {
            terms.push((at(rows::RESULTS_TOTAL, j).expect("written"), -1));
        } else {
            terms.extend(result_terms);
        }
        constraints.push((Equation::Balance(j), terms));
    }
    let mut terms = total_terms(rows::NEW, 1);
    terms.extend(total_terms(rows::CARRIED_OVER, 1));
    terms.extend(total_terms(rows::CARRIED_FORWARD, -1));
    if grand_written {
        terms.extend(total_terms(rows::RESULTS_TOTAL, -1));
    } else {
        for r in &results {
            terms.extend(total_terms(r, -1));
        }
    }
    constraints.push((Equation::Balance(TOTAL), terms));
    let constraints: Vec<Constraint> = constraints
        .into_iter()
        .map(|(equation, terms)| {
            let residual = terms
                .iter()
                .map(|&(c, a)| i128::from(a) * i128::from(cells[c].2))
                .sum();
            Constraint {
                equation,
                terms,
                residual,
            }
        })
        .collect();
    let mut memberships = vec![Vec::new(); cells.len()];
    for (k, c) in constraints.iter().enumerate() {
        for &(cell, a) in &c.terms {
            memberships[cell].push((k, a));
        }
    }
    let failing = (0..constraints.len())
        .filter(|&k| constraints[k].residual != 0)
        .collect();
    System {
        cells,
        constraints,
        memberships,
        failing,
    }
}

/// A fraction, for exact elimination.
#[derive(Clone, Copy, Debug)]
struct Q(i128, i128);

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

impl Q {
    fn new(n: i128, d: i128) -> Q {
        let g = gcd(n, d).max(1);
        let s = if d < 0 { -1 } else { 1 };
        Q(s * n / g, s * d / g)
    }
    fn is_zero(self) -> bool {
        self.0 == 0
    }
    fn sub(self, o: Q) -> Q {
        Q::new(self.0 * o.1 - o.0 * self.1, self.1 * o.1)
    }
    fn mul(self, o: Q) -> Q {
        Q::new(self.0 * o.0, self.1 * o.1)
    }
    fn div(self, o: Q) -> Q {
        Q::new(self.0 * o.1, self.1 * o.0)
    }
}

impl System {
    /// The corrections of `set` that make every equation hold, if there are such
    /// whole, non-zero corrections that leave no count negative.
    fn solve(&self, set: &[usize]) -> Option<Vec<i64>> {
        // The equations the set stands in, with its coefficients there; every
        // failing equation must be one of them (the others hold and are untouched).
        let mut touched: BTreeMap<usize, Vec<i64>> = BTreeMap::new();
        for (i, &cell) in set.iter().enumerate() {
            for &(k, a) in &self.memberships[cell] {
                touched.entry(k).or_insert_with(|| vec![0; set.len()])[i] = a;
            }
        }
        if self.failing.iter().any(|k| !touched.contains_key(k)) {
            return None;
        }
        let mut rows: Vec<Vec<Q>> = touched
            .iter()
            .map(|(&k, coef)| {
                let mut row: Vec<Q> = coef.iter().map(|&a| Q::new(i128::from(a), 1)).collect();
                row.push(Q::new(-self.constraints[k].residual, 1));
                row
            })
            .collect();
        // Gauss–Jordan elimination, exact: column `col` is pivoted on row `col`.
        let n = set.len();
        for col in 0..n {
            let Some(p) = (col..rows.len()).find(|&r| !rows[r][col].is_zero()) else {
                return None; // under-determined: not a located defect
            };
            rows.swap(col, p);
            let pivot = rows[col].clone();
            for (k, row) in rows.iter_mut().enumerate() {
                if k != col && !row[col].is_zero() {
                    let f = row[col].div(pivot[col]);
                    for (x, p) in row.iter_mut().zip(&pivot).skip(col) {
                        *x = x.sub(f.mul(*p));
                    }
                }
            }
        }
        // Rows left over must read 0 = 0.
        if rows[n..].iter().any(|r| !r[n].is_zero()) {
            return None;
        }
        let mut deltas = Vec::with_capacity(n);
        for (col, row) in rows.iter().take(n).enumerate() {
            let q = row[n].div(row[col]);
            if q.1 != 1 || q.0 == 0 {
                return None;
            }
            let delta = i64::try_from(q.0).ok()?;
            if self.cells[set[col]].2.checked_add(delta)? < 0 {
                return None;
            }
            deltas.push(delta);
        }
        Some(deltas)
    }

    /// The defects of a solution: a cell and its row's 总计 changed alike are one,
    /// reported at the cell. `set` is in cell order, a row's 总计 after its cells.
    fn defects(&self, set: &[usize], deltas: &[i64]) -> Vec<Defect> {
        let mut out = Vec::new();
        let mut taken = vec![false; set.len()];
        for i in 0..set.len() {
            if taken[i] {
                continue;
            }
            let (cell, kind, found) = self.cells[set[i]];
            let total = (i + 1..set.len()).find(|&k| {
                let other = self.cells[set[k]].0;
                !taken[k]
                    && deltas[k] == deltas[i]
                    && cell.column != TOTAL
                    && other.path == cell.path
                    && other.column == TOTAL
            });
            let mut touched = vec![set[i]];
            if let Some(k) = total {
                taken[k] = true;
                touched.push(set[k]);
            }
            let explains = self
                .failing
                .iter()
                .filter(|&&k| {
                    touched
                        .iter()
                        .any(|c| self.memberships[*c].iter().any(|m| m.0 == k))
                })
                .map(|&k| self.constraints[k].equation)
                .collect();
            out.push(Defect {
                cell,
                kind,
                found,
                delta: deltas[i],
                with_row_total: total.is_some(),
                explains,
                alternatives: Vec::new(),
            });
        }
        out
    }
}

/// Sets of three cells are tried only when no more cells than this stand in the
/// failing equations: about 280,000 sets at the most. Measured (`cargo bench -p
/// nianbao-files --bench check`): 2.1 ms for three defects of the 2023 example, 10.6 ms
/// for four (tried in vain, then reported rule by rule). With 60, three damaged cells
/// of the real reports were located in 40 % of 200 cases; with 120, in all.
const MAX_CANDIDATES_FOR_THREE: usize = 120;

/// How a solution ranks: fewer defects first, then fewer cells, then the cells
/// most often wrong.
type Score = (usize, usize, Vec<RowKind>);

/// The [`Score`] of a solution.
fn score(defects: &[Defect], cells: usize) -> Score {
    let mut kinds: Vec<RowKind> = defects.iter().map(|d| d.kind).collect();
    kinds.sort();
    (defects.len(), cells, kinds)
}

/// Locates the defects of table 三 of `report` (see the module's documentation).
pub fn locate(report: &Report) -> Located {
    let sys = build(report);
    if sys.failing.is_empty() {
        return Located::Consistent;
    }
    // Only cells of failing equations can explain them.
    let mut candidates: Vec<usize> = sys
        .failing
        .iter()
        .flat_map(|&k| sys.constraints[k].terms.iter().map(|t| t.0))
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    let mut best: Option<(Score, Vec<Defect>)> = None;
    // Every explanation by one defect, as the cell and the value it should have.
    let mut singles: Vec<(CellId, RowKind, i64)> = Vec::new();
    let mut consider = |set: &[usize], best: &mut Option<_>| {
        if let Some(deltas) = sys.solve(set) {
            let defects = sys.defects(set, &deltas);
            let s = score(&defects, set.len());
            if let [d] = defects.as_slice() {
                singles.push((d.cell, d.kind, d.found + d.delta));
            }
            let better = match best {
                None => true,
                Some((b, _)) => s < *b,
            };
            if better {
                *best = Some((s, defects));
            }
        }
    };
    for &a in &candidates {
        consider(&[a], &mut best);
    }
    for (i, &a) in candidates.iter().enumerate() {
        for &b in &candidates[i + 1..] {
            consider(&[a, b], &mut best);
        }
    }
    let need_three = best.as_ref().is_none_or(|(s, _)| s.0 > 2);
    if need_three && candidates.len() <= MAX_CANDIDATES_FOR_THREE {
        for (i, &a) in candidates.iter().enumerate() {
            for (k, &b) in candidates.iter().enumerate().skip(i + 1) {
                for &c in &candidates[k + 1..] {
                    consider(&[a, b, c], &mut best);
                }
            }
        }
    }
    let Some((_, mut defects)) = best else {
        return Located::Unexplained;
    };
    if defects.len() == 1 {
        let chosen = defects[0].cell;
        let mut alternatives: Vec<(CellId, RowKind, i64)> =
            singles.into_iter().filter(|(c, ..)| *c != chosen).collect();
        alternatives.sort_by_key(|(c, kind, _)| (*kind, *c));
        defects[0].alternatives = alternatives;
    }
    Located::Defects(defects)
}
