//! Where a table is cut into pages.
//!
//! A table that runs over a page is printed as parts, each a whole table with
//! the header again, cut between rows. Which rows go in which part depends only
//! on the table's form (its labels and widths: every number is one line), on
//! the fonts, and on the grid line the table starts on. So the heights are
//! measured by Typst once per form and set of fonts ([`TableMetrics`], from the
//! template's `table-metrics`), and the parts are planned here for each of the
//! 22 lines a table can start on; the template looks its plan up instead of
//! measuring every cell of every table of every report again.
//!
//! The arithmetic is Typst's own ([`Abs`]), in the same order as the template
//! once did it, so that the same plans come out to the last bit.

use serde::{Deserialize, Serialize};
use typst::layout::Abs;

use crate::document::{CellKind, Grid};
use crate::layout::Layout;

/// The heights of a table form, in points, as the template measures them.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct TableMetrics {
    /// Each column's width, cell padding included.
    pub columns: Vec<f64>,
    /// The header rows together, drawn as a table.
    pub head: f64,
    /// Each row: its tallest cell that spans no other row.
    pub rows: Vec<f64>,
    /// Each merged label: first row, the row after its last, its height.
    pub merged: Vec<(usize, usize, f64)>,
}

/// Rows `from..to` of a table printed as one part, that part's height in
/// points with the header, and whether its rows can be given their measured
/// heights (no merged label taller than its rows, no number that could need a
/// second line), which spares Typst measuring every cell before laying it out.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Part(pub usize, pub usize, pub f64, pub bool);

/// The parts of a table in order; `None` is "nothing fits here: start on the
/// next page".
pub type Plan = Vec<Option<Part>>;

/// The key under which a table form's metrics are kept: the grid with the
/// numbers left out (they are measured as one line whatever they are).
pub fn form_key(grid: &Grid) -> String {
    let mut form = grid.clone();
    for cell in form.rows.iter_mut().flatten() {
        if cell.kind == CellKind::Number {
            cell.words.clear();
        }
    }
    serde_json::to_string(&form).expect("a grid serialises")
}

/// The layout's lengths, as the template computes them.
struct Lengths {
    top: Abs,
    full: Abs,
    line_pitch: Abs,
    lead: Abs,
}

impl Lengths {
    fn of(layout: &Layout) -> Lengths {
        let line_pitch = Abs::pt(layout.line_pitch_pt);
        Lengths {
            top: Abs::mm(layout.margin_top_mm),
            full: Abs::mm(layout.type_area_mm.1),
            line_pitch,
            lead: line_pitch - Abs::pt(layout.body_size_pt),
        }
    }

    /// The height of whole grid lines a block of height `h` takes (the
    /// template's `grid-height`).
    fn grid_height(&self, h: Abs) -> Abs {
        let lines = ((h + self.lead) / self.line_pitch - 0.001).ceil();
        self.line_pitch * lines - self.lead
    }
}

fn sum(heights: &[Abs]) -> Abs {
    heights.iter().fold(Abs::zero(), |a, &b| a + b)
}

/// The plans of a table for each grid line of the page it may start on (the
/// line of its heading; 0 is the top of a page).
pub fn plans(grid: &Grid, metrics: &TableMetrics, layout: &Layout) -> Vec<Plan> {
    let l = Lengths::of(layout);
    (0..layout.lines_per_page)
        .map(|at| {
            let y = if at == 0 {
                l.top
            } else {
                l.top + l.line_pitch * f64::from(at) - l.lead
            };
            plan(grid, metrics, &l, y)
        })
        .collect()
}

/// Whether every number of rows `from..to` surely fits its cell on one line (the
/// heights were measured with a one-digit number): a digit or separator is
/// taken as 0.6 em, wider than in any of the fonts.
fn numbers_fit(grid: &Grid, m: &TableMetrics, from: usize, to: usize) -> bool {
    grid.rows[from..to]
        .iter()
        .flatten()
        .filter(|c| c.kind == CellKind::Number)
        .all(|c| {
            let room: f64 =
                m.columns[c.x..c.x + c.colspan].iter().sum::<f64>() - 2.0 * grid.inset_pt;
            c.text().chars().count() as f64 * 0.6 * grid.size_pt <= room
        })
}

/// The parts of a table whose heading line starts at height `y` of the page.
fn plan(grid: &Grid, m: &TableMetrics, l: &Lengths, y: Abs) -> Plan {
    let n = grid.rows.len();
    let head = Abs::pt(m.head);
    let rows: Vec<Abs> = m.rows.iter().map(|&h| Abs::pt(h)).collect();
    // The height of rows from..to with the header: a merged label taller than
    // its rows in the part makes them taller.
    let extra = |from: usize, to: usize| {
        m.merged
            .iter()
            .filter(|&&(a, b, _)| a < to && b > from)
            .map(|&(a, b, h)| Abs::pt(h) - sum(&rows[a.max(from)..b.min(to)]))
            .fold(Abs::zero(), |a, b| if b > a { b } else { a })
    };
    let part_h = |from: usize, to: usize| head + sum(&rows[from..to]) + extra(from, to);
    let page = l.full - l.line_pitch - l.lead;
    // Room on this page below the heading line and one leading.
    let mut room = l.top + l.full - y - l.line_pitch - l.lead;
    let mut from = grid.header_rows;
    let mut parts = Plan::new();
    while from < n {
        // The most rows from `from` that fit; a block caption or a row of column
        // headings never ends a part.
        let mut to = from;
        while to < n && l.grid_height(part_h(from, to + 1)) <= room {
            to += 1;
        }
        while to > from
            && to < n
            && grid.rows[to - 1]
                .iter()
                .any(|c| matches!(c.kind, CellKind::Caption | CellKind::ColumnHead))
        {
            to -= 1;
        }
        if to == from && parts.is_empty() && room < page {
            parts.push(None);
        } else {
            // A row taller than a page stands alone.
            let to = to.max(from + 1);
            let fixed = extra(from, to) <= Abs::zero() && numbers_fit(grid, m, from, to);
            parts.push(Some(Part(from, to, part_h(from, to).to_pt(), fixed)));
            from = to;
        }
        room = page;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::GridCell;
    use crate::layout;

    fn cell(y: usize, kind: CellKind) -> GridCell {
        GridCell {
            x: 0,
            y,
            words: vec!["x".into()],
            colspan: 1,
            rowspan: 1,
            kind,
            role: layout::Role::Body,
            left: false,
        }
    }

    /// A table of one header row and `kinds.len()` body rows.
    fn grid(kinds: &[CellKind]) -> Grid {
        let mut rows = vec![vec![cell(0, CellKind::Head)]];
        rows.extend(kinds.iter().enumerate().map(|(i, &k)| vec![cell(i + 1, k)]));
        Grid {
            number: "三",
            columns: vec![None],
            header_rows: 1,
            rows,
            size_pt: 10.5,
            inset_pt: 3.0,
        }
    }

    fn metrics(rows: &[f64]) -> TableMetrics {
        TableMetrics {
            columns: vec![442.2],
            head: 20.0,
            rows: std::iter::once(0.0).chain(rows.iter().copied()).collect(),
            merged: vec![],
        }
    }

    fn parts(plan: &Plan) -> Vec<Option<(usize, usize)>> {
        plan.iter()
            .map(|p| p.map(|Part(a, b, ..)| (a, b)))
            .collect()
    }

    #[test]
    fn a_short_table_is_one_part_with_its_height() {
        let l = layout::gbt9704();
        let g = grid(&[CellKind::Number; 3]);
        let all = plans(&g, &metrics(&[20.0; 3]), &l);
        assert_eq!(all.len(), 22);
        assert_eq!(all[0], vec![Some(Part(1, 4, 80.0, true))]);
    }

    #[test]
    fn rows_go_on_where_the_page_is_full() {
        let l = layout::gbt9704();
        // 30 rows of 25 pt: about 23 fit on an empty page below the heading.
        let g = grid(&[CellKind::Number; 30]);
        let m = metrics(&[25.0; 30]);
        let all = plans(&g, &m, &l);
        let top = parts(&all[0]);
        assert_eq!(top.len(), 2, "{top:?}");
        let (a, b) = top[0].unwrap();
        assert_eq!((a, top[1].unwrap().1), (1, 31));
        assert_eq!(top[1].unwrap().0, b);
        // Each part fits the room it has.
        let room = 225.0 / 25.4 * 72.0 - l.line_pitch_pt - (l.line_pitch_pt - l.body_size_pt);
        for p in all[0].iter().flatten() {
            assert!(p.2 <= room, "{p:?}");
        }
        // Starting lower on the page, fewer rows go in the first part.
        let low = parts(&all[15]);
        assert!(low[0].unwrap().1 < b, "{low:?}");
        // On the last line nothing fits: the table starts on the next page.
        assert_eq!(parts(&all[21])[0], None);
        assert_eq!(parts(&all[21])[1], top[0]);
    }

    #[test]
    fn a_caption_row_never_ends_a_part() {
        let l = layout::gbt9704();
        let mut kinds = vec![CellKind::Number; 30];
        // Where the first part would end, a caption row: it goes to the next part.
        let end = parts(&plans(&grid(&kinds), &metrics(&[25.0; 30]), &l)[0])[0]
            .unwrap()
            .1;
        kinds[end - 2] = CellKind::Caption;
        let plan = parts(&plans(&grid(&kinds), &metrics(&[25.0; 30]), &l)[0]);
        assert_eq!(plan[0].unwrap().1, end - 1, "{plan:?}");
    }

    #[test]
    fn a_row_taller_than_a_page_stands_alone() {
        let l = layout::gbt9704();
        let g = grid(&[CellKind::Number, CellKind::Label, CellKind::Number]);
        let plan = parts(&plans(&g, &metrics(&[20.0, 900.0, 20.0]), &l)[0]);
        assert_eq!(plan, vec![Some((1, 2)), Some((2, 3)), Some((3, 4))]);
    }

    #[test]
    fn a_merged_label_taller_than_its_rows_makes_the_part_taller() {
        let l = layout::gbt9704();
        let g = grid(&[CellKind::Number; 2]);
        let mut m = metrics(&[20.0, 20.0]);
        m.merged.push((1, 3, 100.0));
        assert_eq!(plans(&g, &m, &l)[0], vec![Some(Part(1, 3, 120.0, false))]);
    }

    #[test]
    fn rows_keep_their_measured_heights_unless_a_number_may_need_two_lines() {
        let l = layout::gbt9704();
        let mut g = grid(&[CellKind::Number; 2]);
        // A column four characters of 10.5 pt wide, with 3 pt padding each side.
        let m = TableMetrics {
            columns: vec![48.0],
            ..metrics(&[20.0, 20.0])
        };
        g.rows[1][0].words = vec!["1234".into()];
        assert!(plans(&g, &m, &l)[0][0].unwrap().3);
        g.rows[2][0].words = vec!["1,234,567".into()];
        assert!(!plans(&g, &m, &l)[0][0].unwrap().3);
    }

    #[test]
    fn numbers_are_not_part_of_the_form() {
        let mut a = grid(&[CellKind::Number; 2]);
        let b = a.clone();
        a.rows[1][0].words = vec!["12345".into()];
        assert_eq!(form_key(&a), form_key(&b));
        a.rows[0][0].words = vec!["y".into()];
        assert_ne!(form_key(&a), form_key(&b));
    }
}
