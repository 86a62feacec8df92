//! Reading the three official tables out of the tables a document holds, by their
//! labels and not by position.
//!
//! Every source table is scored against each official table of both editions by the
//! share of the form's label words it contains (国办公开办函〔2019〕60号 and
//! 〔2021〕30号, described once in `nianbao_form::tables`); consecutive tables of one
//! kind are one table split over pages. Inside it, the rows that hold numbers are
//! aligned with the form's data rows in order (the alignment that scores the labels
//! best, so a row left out, a footnote or a typo moves nothing), and the numbers of a
//! row go to the form's columns by the positions of the columns in the table.

use nianbao_form::diag::{Diagnostic, Pos, Rule};
use nianbao_form::model::Edition;
use nianbao_form::rules;
use nianbao_form::tables::{self, Content, RowRole, TableId, TableSpec};

use crate::source::{Piece, Row, Table};

/// One number read into the form.
#[derive(Clone, Debug)]
pub struct ReadValue {
    /// The key path (`applications.new`).
    pub path: &'static str,
    /// The index in the row, `None` for a single value.
    pub index: Option<usize>,
    /// The value as the data file will hold it.
    pub value: Written,
    /// Where it was read.
    pub pos: Pos,
}

/// A value as the data will hold it.
#[derive(Clone, Debug, PartialEq)]
pub enum Written {
    /// A whole number in ASCII digits.
    Int(String),
    /// A decimal number in ASCII digits.
    Decimal(String),
    /// Text the data contract reads itself (full-width digits, thousands
    /// separators: read with a `number-format` warning) or rejects (words).
    Text(String),
}

/// What was read of the tables.
#[derive(Debug, Default)]
pub struct Tables {
    /// The edition the tables are laid out in, when table 二 (or 三) shows it.
    pub edition: Option<Edition>,
    /// Every number read.
    pub values: Vec<ReadValue>,
    /// Problems.
    pub diags: Vec<Diagnostic>,
}

/// Text reduced to what labels are compared by: CJK ideographs, ASCII letters and
/// digits (full-width ones made ASCII); punctuation, spaces and brackets dropped.
pub fn normalise(text: &str) -> Vec<char> {
    text.chars()
        .filter_map(|c| {
            let c = match c {
                '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                c => c,
            };
            (c.is_ascii_alphanumeric() || nianbao_form::text::is_han(c)).then_some(c)
        })
        .collect()
}

/// Length of the longest common subsequence.
fn lcs(a: &[char], b: &[char]) -> usize {
    if a.is_empty() || b.is_empty() {
        return 0;
    }
    let mut prev = vec![0usize; b.len() + 1];
    let mut cur = vec![0usize; b.len() + 1];
    for &x in a {
        for (j, &y) in b.iter().enumerate() {
            cur[j + 1] = if x == y {
                prev[j] + 1
            } else {
                cur[j].max(prev[j + 1])
            };
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// How much of `label` the text holds, in order (0–1).
fn coverage(label: &[char], text: &[char]) -> f64 {
    if label.is_empty() {
        return 0.0;
    }
    lcs(label, text) as f64 / label.len() as f64
}

fn contains(hay: &[char], needle: &[char]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A data row of the form: its labels (the leaf first, then the groups around it) and
/// the value cells in column order.
#[derive(Debug)]
struct FormRow {
    leaf: &'static str,
    groups: Vec<&'static str>,
    cells: Vec<(&'static str, Option<usize>, tables::Kind)>,
}

fn form_rows(spec: &TableSpec) -> Vec<FormRow> {
    let placed = spec.placed();
    let mut out = Vec::new();
    for (r, row) in spec.rows.iter().enumerate() {
        if row.role != RowRole::Data {
            continue;
        }
        let mut cells: Vec<(usize, &'static str, Option<usize>, tables::Kind)> = placed
            .iter()
            .filter(|p| p.row == r)
            .filter_map(|p| match p.cell.content {
                Content::Value { path, index, kind } => Some((p.col, path, index, kind)),
                _ => None,
            })
            .collect();
        cells.sort_by_key(|c| c.0);
        let first_value = cells.first().map_or(spec.columns, |c| c.0);
        // Labels covering this row left of the numbers: the leaf is the one that
        // starts in this row and ends nearest the numbers.
        let mut labels: Vec<(usize, usize, &'static str)> = placed
            .iter()
            .filter(|p| p.row <= r && r < p.row + p.cell.rowspan && p.col < first_value)
            .filter_map(|p| match p.cell.content {
                Content::Label { text, .. } => Some((p.col, p.row, text)),
                _ => None,
            })
            .collect();
        labels.sort_by_key(|l| std::cmp::Reverse(l.0));
        let leaf = labels.first().map_or("", |l| l.2);
        let groups = labels.iter().skip(1).map(|l| l.2).collect();
        out.push(FormRow {
            leaf,
            groups,
            cells: cells.into_iter().map(|(_, p, i, k)| (p, i, k)).collect(),
        });
    }
    out
}

/// All label words of a form table, normalised (for telling tables apart).
fn label_words(spec: &TableSpec) -> Vec<Vec<char>> {
    let mut words: Vec<Vec<char>> = spec
        .rows
        .iter()
        .flat_map(|r| &r.cells)
        .filter_map(|c| match c.content {
            Content::Label { text, .. } => Some(normalise(text)),
            _ => None,
        })
        .filter(|w| w.len() >= 2)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// The share of a form table's label words (`words`, from [`label_words`]) that a
/// source table holds.
fn table_score(words: &[Vec<char>], text: &[char]) -> f64 {
    if words.is_empty() {
        return 0.0;
    }
    let found: f64 = words
        .iter()
        .map(|w| {
            if contains(text, w) {
                1.0
            } else if w.len() >= 5 && coverage(w, text) >= 0.85 {
                0.7
            } else {
                0.0
            }
        })
        .sum();
    found / words.len() as f64
}

fn table_text(t: &Table) -> Vec<char> {
    let mut s = String::new();
    // The form's labels are about 1,500 characters; a table's first 20,000 tell.
    for r in &t.rows {
        for (p, spread) in r.pieces.iter().zip(&r.spread) {
            if !spread && s.len() < 60_000 {
                s.push_str(&p.text);
                s.push('|');
            }
        }
    }
    normalise(&s)
}

/// Whether a cell's text stands for a number: digits (also full-width, with
/// separators, or followed by words), a placeholder for none, or nothing.
fn numberish(text: &str) -> bool {
    let t = text.trim();
    if t.is_empty() || is_placeholder(t) {
        return true;
    }
    let unsigned = t.strip_prefix(['-', '－']).unwrap_or(t);
    unsigned
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && !looks_like_numbered_label(unsigned)
}

/// 1.属于国家秘密 — a numbered label, not a number.
fn looks_like_numbered_label(t: &str) -> bool {
    let digits = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count();
    let rest: String = t.chars().skip(digits).collect();
    digits <= 2
        && (rest.starts_with(['.', '．', '、'])
            && rest.chars().nth(1).is_some_and(|c| !c.is_ascii_digit()))
}

fn is_placeholder(t: &str) -> bool {
    let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(
        t.as_str(),
        "—" | "——" | "-" | "--" | "－" | "–" | "/" | "／" | "无" | "\\" | "×" | "空" | "／／"
    )
}

/// A source row split into its label and its number cells.
#[derive(Debug)]
struct Split {
    label: Vec<char>,
    label_text: String,
    numbers: Vec<Piece>,
    order: usize,
}

fn split(row: &Row, grid: bool) -> Split {
    let mut label_text = String::new();
    let mut numbers = Vec::new();
    let mut in_numbers = false;
    for (p, &spread) in row.pieces.iter().zip(&row.spread) {
        let t = p.text.trim();
        let num = numberish(t);
        // The numbers start at the first number cell after the labels; an empty
        // grid cell counts once there is label text (a blank number cell).
        if !in_numbers && num && (!t.is_empty() || (grid && !spread && !label_text.is_empty())) {
            in_numbers = true;
        }
        if in_numbers && num {
            numbers.push(p.clone());
        } else if !t.is_empty() {
            label_text.push_str(t);
        }
    }
    Split {
        label: normalise(&label_text),
        label_text,
        numbers,
        order: row.order,
    }
}

/// Score of a source row against a form row.
fn row_score(form: &FormRow, row: &Split) -> f64 {
    if row.numbers.iter().all(|p| p.text.trim().is_empty()) && !row.numbers.is_empty() {
        // A row of empty cells only: a header or spacer row.
        return 0.0;
    }
    if form.leaf.is_empty() {
        // Table 四's one data row has no label: a row of many numbers.
        let filled = row.numbers.len();
        return if filled * 2 >= form.cells.len() {
            0.9
        } else {
            0.0
        };
    }
    let leaf = normalise(form.leaf);
    let mut s = coverage(&leaf, &row.label);
    if contains(&row.label, &leaf) {
        s += 0.05;
    }
    for g in &form.groups {
        let g = normalise(g);
        if contains(&row.label, &g) {
            s += 0.02;
        }
    }
    // Too many numbers for the form's row (or none): unlikely. Empty cells do not
    // count (a value spread over three unmerged cells).
    let filled = row
        .numbers
        .iter()
        .filter(|p| !p.text.trim().is_empty())
        .count();
    if filled == 0 || filled > form.cells.len() + 1 {
        s -= 0.5;
    }
    s
}

/// Order-preserving alignment of source rows with form rows maximising the label
/// score; pairs below `MIN_SCORE` are never made.
const MIN_SCORE: f64 = 0.6;

fn align(form: &[FormRow], rows: &[Split]) -> Vec<Option<usize>> {
    let (n, m) = (form.len(), rows.len());
    let mut best = vec![vec![0.0f64; m + 1]; n + 1];
    let mut score = vec![vec![f64::NEG_INFINITY; m]; n];
    for i in 0..n {
        for j in 0..m {
            score[i][j] = row_score(&form[i], &rows[j]);
        }
    }
    for i in 1..=n {
        for j in 1..=m {
            let mut b = best[i - 1][j].max(best[i][j - 1]);
            let s = score[i - 1][j - 1];
            if s >= MIN_SCORE {
                b = b.max(best[i - 1][j - 1] + s);
            }
            best[i][j] = b;
        }
    }
    let mut out = vec![None; n];
    let (mut i, mut j) = (n, m);
    while i > 0 && j > 0 {
        let s = score[i - 1][j - 1];
        if s >= MIN_SCORE && (best[i][j] - (best[i - 1][j - 1] + s)).abs() < 1e-9 {
            out[i - 1] = Some(j - 1);
            i -= 1;
            j -= 1;
        } else if (best[i][j] - best[i - 1][j]).abs() < 1e-9 {
            i -= 1;
        } else {
            j -= 1;
        }
    }
    out
}

fn diag_at(rule: Rule, error: bool, path: &str, pos: Pos, message: String) -> Diagnostic {
    let d = if error {
        Diagnostic::error(rule, path, message)
    } else {
        Diagnostic::warning(rule, path, message)
    };
    d.at(Some(pos))
}

/// Reads one number cell: (value, a warning to give).
fn read_number(text: &str) -> (Written, Option<String>) {
    let t = text.trim();
    if t.is_empty() {
        return (
            Written::Int("0".into()),
            Some("单元格为空，按 0 读入".into()),
        );
    }
    if is_placeholder(t) {
        return (
            Written::Int("0".into()),
            Some(format!("单元格为 “{t}”，按 0 读入")),
        );
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.chars().all(|c| c.is_ascii_digit()) {
        return (Written::Int(compact), None);
    }
    // A signed count (2019 本年增/减): -3, －3.
    if let Some(digits) = compact.strip_prefix(['-', '－'])
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        return (Written::Int(format!("-{digits}")), None);
    }
    let decimal = |s: &str| {
        let mut parts = s.split('.');
        let (a, b) = (parts.next().unwrap_or(""), parts.next());
        parts.next().is_none()
            && !a.is_empty()
            && a.chars().all(|c| c.is_ascii_digit())
            && b.is_some_and(|b| !b.is_empty() && b.chars().all(|c| c.is_ascii_digit()))
    };
    if decimal(&compact) {
        return (Written::Decimal(compact), None);
    }
    // Full-width digits or thousands separators: the data contract reads these
    // itself, with a number-format warning that names the cause.
    let number_chars =
        |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c) || ",，.．".contains(c);
    if compact.chars().all(number_chars) {
        return (Written::Text(compact), None);
    }
    // A number followed by words: 22（其中修订16件）.
    let lead: String = compact.chars().take_while(|&c| number_chars(c)).collect();
    let lead = lead.trim_end_matches([',', '，', '.', '．']).to_string();
    if !lead.is_empty() {
        let (value, _) = read_number(&lead);
        return (
            value,
            Some(format!(
                "单元格为 “{t}”，只读入开头的数 {lead}，其余文字未读入"
            )),
        );
    }
    (Written::Text(t.to_string()), None)
}

/// Column positions for a table's rows of `k` numbers: the median centre of each
/// column over the rows that have all `k`.
fn centres(rows: &[&Split], k: usize) -> Option<Vec<f64>> {
    let full: Vec<&&Split> = rows.iter().filter(|r| r.numbers.len() == k).collect();
    if full.is_empty() {
        return None;
    }
    Some(
        (0..k)
            .map(|c| {
                let mut xs: Vec<f64> = full.iter().map(|r| r.numbers[c].centre()).collect();
                xs.sort_by(f64::total_cmp);
                xs[xs.len() / 2]
            })
            .collect(),
    )
}

/// Which column each number of a row goes to.
fn columns_of(numbers: &[Piece], k: usize, centres: Option<&[f64]>) -> Vec<Option<usize>> {
    if numbers.len() == k {
        return (0..k).map(Some).collect();
    }
    match centres {
        Some(cs) if numbers.len() < k => {
            let mut taken = vec![false; k];
            numbers
                .iter()
                .map(|p| {
                    let best = (0..k).filter(|&c| !taken[c]).min_by(|&a, &b| {
                        (cs[a] - p.centre())
                            .abs()
                            .total_cmp(&(cs[b] - p.centre()).abs())
                    })?;
                    taken[best] = true;
                    Some(best)
                })
                .collect()
        }
        _ => (0..numbers.len()).map(|i| (i < k).then_some(i)).collect(),
    }
}

/// For PDF tables: lines without numbers (a wrapped label, a header line) joined to
/// the nearest line with numbers on the same page.
fn attach_labels(table: &Table) -> Vec<Split> {
    let splits: Vec<(Split, &Row)> = table
        .rows
        .iter()
        .map(|r| (split(r, table.grid), r))
        .collect();
    if table.grid {
        return splits.into_iter().map(|(s, _)| s).collect();
    }
    let has_numbers: Vec<bool> = splits
        .iter()
        .map(|(s, _)| s.numbers.iter().any(|p| !p.text.trim().is_empty()))
        .collect();
    let with_numbers: Vec<usize> = (0..splits.len()).filter(|&i| has_numbers[i]).collect();
    // The horizontal rules of each page, sorted; the band between two rules is the
    // index of the first rule below a line.
    let mut rules: std::collections::HashMap<u32, Vec<f64>> = Default::default();
    for &(page, y) in &table.rules {
        rules.entry(page).or_default().push(y);
    }
    for r in rules.values_mut() {
        r.sort_by(f64::total_cmp);
    }
    let mut extra: Vec<Vec<(f64, String)>> = vec![Vec::new(); splits.len()];
    for (i, (s, row)) in splits.iter().enumerate() {
        if has_numbers[i] || s.label_text.is_empty() {
            continue;
        }
        // Between the same two rules as the numbers (the same table row), else the
        // nearest line with numbers on the page.
        let on_page = with_numbers
            .iter()
            .filter(|&&j| splits[j].1.page == row.page);
        let nearest = match rules.get(&row.page).filter(|r| r.len() >= 2) {
            Some(page_rules) => {
                let band = |y: f64| page_rules.partition_point(|r| *r < y);
                let mine = band(row.y - 2.0);
                on_page
                    .clone()
                    .find(|&&j| band(splits[j].1.y - 2.0) == mine)
            }
            None => on_page.clone().min_by(|&&a, &&b| {
                (splits[a].1.y - row.y)
                    .abs()
                    .total_cmp(&(splits[b].1.y - row.y).abs())
            }),
        };
        if let Some(&j) = nearest {
            extra[j].push((row.y, s.label_text.clone()));
        }
    }
    let mut out = Vec::new();
    for (i, (mut s, row)) in splits.into_iter().enumerate() {
        if !has_numbers[i] {
            continue;
        }
        let mut parts = std::mem::take(&mut extra[i]);
        parts.push((row.y, std::mem::take(&mut s.label_text)));
        parts.sort_by(|a, b| a.0.total_cmp(&b.0));
        s.label_text = parts.into_iter().map(|p| p.1).collect();
        s.label = normalise(&s.label_text);
        out.push(s);
    }
    out
}

/// Reads tables 二, 三 and 四 out of the source tables.
pub fn read(source_tables: &[Table], year_edition: Option<Edition>) -> Tables {
    let mut out = Tables::default();
    // Classify every source table.
    let forms: Vec<(Edition, &TableSpec, Vec<Vec<char>>)> = [Edition::Y2021, Edition::Y2019]
        .into_iter()
        .flat_map(|e| {
            tables::tables(e)
                .iter()
                .map(move |spec| (e, spec, label_words(spec)))
        })
        .collect();
    let mut classes: Vec<Option<(TableId, Edition, f64)>> = Vec::new();
    for t in source_tables {
        let text = table_text(t);
        let mut best: Option<(TableId, Edition, f64)> = None;
        for (edition, spec, words) in &forms {
            let s = table_score(words, &text);
            if s >= 0.25 && best.is_none_or(|b| s > b.2 + 1e-9) {
                best = Some((spec.id, *edition, s));
            }
        }
        classes.push(best);
    }
    // A split table's later parts (no header) score low: they take the class of the
    // table before them when their rows read as that table's.
    for i in 1..classes.len() {
        if classes[i].is_none() && !source_tables[i].rows.is_empty() {
            classes[i] = classes[i - 1];
        }
    }
    // The edition: table 二 tells (its columns differ most), else table 三.
    let edition_of = |id: TableId| {
        classes
            .iter()
            .flatten()
            .filter(|c| c.0 == id)
            .max_by(|a, b| a.2.total_cmp(&b.2))
            .map(|c| c.1)
    };
    let table_edition =
        edition_of(TableId::ActiveDisclosure).or_else(|| edition_of(TableId::Applications));
    out.edition = table_edition.or(year_edition);
    let edition = out.edition.unwrap_or(Edition::Y2021);
    for spec in tables::tables(edition) {
        let parts: Vec<&Table> = source_tables
            .iter()
            .zip(&classes)
            .filter(|(_, c)| c.is_some_and(|c| c.0 == spec.id))
            .map(|(t, _)| t)
            .collect();
        let label = format!("表{}", spec.number);
        if parts.is_empty() {
            out.diags.push(Diagnostic::error(
                Rule::ImportUnread,
                spec.key,
                format!("没有找到{label}（{}）", spec.heading),
            ));
            continue;
        }
        let form = form_rows(spec);
        let splits: Vec<Split> = parts
            .iter()
            .flat_map(|t| attach_labels(t))
            .take(crate::limits::MAX_TABLE_ROWS)
            .collect();
        let matched = align(&form, &splits);
        // Column positions per row width, from the rows of this table.
        let all: Vec<&Split> = splits.iter().collect();
        for (f, m) in form.iter().zip(&matched) {
            let row_words = match f.groups.first() {
                Some(g) if spec.id == TableId::Applications && !g.starts_with("三、") => {
                    format!("{g} {}", f.leaf)
                }
                _ => f.leaf.to_string(),
            };
            let Some(j) = *m else {
                let path = f.cells.first().map_or(spec.key, |c| c.0);
                let what = if f.leaf.is_empty() {
                    "数据行".to_string()
                } else {
                    format!("“{row_words}” 行")
                };
                out.diags.push(
                    Diagnostic::error(
                        Rule::ImportUnread,
                        path,
                        format!("{label}的{what}没有读出（表中找不到这一行），未填任何数"),
                    )
                    .hint("请核对原文件中这一行的标签和数字"),
                );
                continue;
            };
            let row = &splits[j];
            // More cells than the form's row: empty ones left of the numbers (a blank
            // label cell) are not numbers.
            let k = f.cells.len();
            let blanks = row
                .numbers
                .iter()
                .take_while(|p| p.text.trim().is_empty())
                .count()
                .min(row.numbers.len().saturating_sub(k));
            let numbers = &row.numbers[blanks..];
            let first_place = numbers.first().map(|p| p.place).unwrap_or_default();
            if !f.leaf.is_empty() && coverage(&normalise(f.leaf), &row.label) < 0.999 {
                let found: String = row.label_text.chars().take(40).collect();
                out.diags.push(diag_at(
                    Rule::Import,
                    false,
                    f.cells.first().map_or(spec.key, |c| c.0),
                    Pos::source(row.order, first_place),
                    format!(
                        "{label}的行标签 “{found}” 与表格格式不同，按相近的 “{row_words}” 行读入"
                    ),
                ));
            }
            let same_width: Vec<&Split> = all
                .iter()
                .copied()
                .filter(|s| s.numbers.len() == k)
                .collect();
            let cs = centres(&same_width, k);
            let cols = columns_of(numbers, k, cs.as_deref());
            if numbers.len() < k && cs.is_none() {
                out.diags.push(diag_at(
                    Rule::Import,
                    false,
                    f.cells[0].0,
                    Pos::source(row.order, first_place),
                    format!(
                        "{label} “{row_words}” 行只读出 {} 个数（应有 {k} 个），按从左到右的次序读入",
                        numbers.len()
                    ),
                ));
            }
            let mut filled = vec![false; k];
            for (p, c) in numbers.iter().zip(cols) {
                let Some(c) = c else { continue };
                filled[c] = true;
                let (path, index, _) = f.cells[c];
                let (value, warning) = read_number(&p.text);
                let pos = Pos::source(row.order, p.place);
                if let Some(w) = warning {
                    let place = rules::place(edition, path, index);
                    let mut d = diag_at(
                        Rule::Import,
                        false,
                        &index_path(path, index),
                        pos,
                        format!("{place}：{w}"),
                    );
                    d.place = Some(place);
                    out.diags.push(d);
                }
                out.values.push(ReadValue {
                    path,
                    index,
                    value,
                    pos,
                });
            }
            for (c, done) in filled.iter().enumerate() {
                if *done {
                    continue;
                }
                let (path, index, kind) = f.cells[c];
                // A row's 总计 may be left out: the data computes it.
                if kind == tables::Kind::Total {
                    continue;
                }
                out.diags.push(
                    Diagnostic::error(
                        Rule::ImportUnread,
                        index_path(path, index),
                        format!(
                            "{}的数没有读出（该格为空或无法对应到列）",
                            rules::place(edition, path, index)
                        ),
                    )
                    .at(Some(Pos::source(row.order, first_place))),
                );
            }
        }
    }
    if let (Some(found), Some(expected)) = (table_edition, year_edition)
        && found != expected
    {
        out.diags.push(Diagnostic::warning(
            Rule::Import,
            "edition",
            format!(
                "表格是 {} 年版格式（{}），而报告年度应使用 {} 年版格式（{}）：数字按表格的格式读入",
                found.as_str(),
                found.notice(),
                expected.as_str(),
                expected.notice()
            ),
        ));
    }
    out
}

fn index_path(path: &str, index: Option<usize>) -> String {
    match index {
        Some(i) => format!("{path}[{i}]"),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_numbers_with_warnings_for_what_changed() {
        assert_eq!(read_number("3001"), (Written::Int("3001".into()), None));
        assert_eq!(read_number("96171.6").0, Written::Decimal("96171.6".into()));
        assert_eq!(read_number("—").0, Written::Int("0".into()));
        assert!(read_number("").1.is_some());
        let (v, w) = read_number("22（其中修订16件）");
        assert_eq!(v, Written::Int("22".into()));
        assert!(w.unwrap().contains("22"));
        assert_eq!(read_number("2,008").0, Written::Text("2,008".into()));
        assert_eq!(read_number("１２").0, Written::Text("１２".into()));
        assert_eq!(read_number("不详").0, Written::Text("不详".into()));
    }

    #[test]
    fn numbered_labels_are_not_numbers() {
        assert!(!numberish("1.属于国家秘密"));
        assert!(numberish("1288"));
        assert!(numberish("—"));
        assert!(numberish("22（其中修订16件）"));
        assert!(!numberish("行政许可"));
    }

    #[test]
    fn labels_with_typos_are_covered_mostly() {
        let form = normalise("2.其他法律行政法规禁止公开");
        let typo = normalise("2.其他法律行政止公开");
        assert!(coverage(&form, &typo) >= MIN_SCORE);
        assert!(coverage(&form, &normalise("1.属于国家秘密")) < MIN_SCORE);
    }
}
