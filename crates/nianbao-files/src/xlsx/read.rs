//! Reading a workbook (calamine) into the tree a text file gives, every position a cell.

use std::collections::{BTreeSet, HashMap};
use std::io::Cursor;

use calamine::{Data, Dimensions, Range, Reader, Xlsx};

use super::*;
use crate::error::LoadError;
use nianbao_form::decode::{self, Decoded};
use nianbao_form::diag::{Diagnostic, Rule};
use nianbao_form::rules;
use nianbao_form::tables::Content;
use nianbao_form::tree::{Node, Scalar, Value};

fn pos(sheet: &'static str, row: u32, col: u32) -> Pos {
    Pos {
        line: row as usize + 1,
        column: col as usize + 1,
        sheet: Some(sheet),
        source: None,
    }
}

fn node(value: Value, pos: Pos) -> Node {
    Node {
        value,
        pos,
        block_text: false,
    }
}

fn str_node(s: &str, pos: Pos) -> Node {
    node(Value::Scalar(Scalar::Str(s.to_string())), pos)
}

/// A cell's text, for labels and prose (numbers as Excel shows them without format).
fn text_of(d: &Data) -> Option<String> {
    match d {
        Data::Empty => None,
        Data::String(s) => Some(s.clone()),
        Data::Int(i) => Some(i.to_string()),
        Data::Float(f) => Some(f.to_string()),
        Data::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_string()),
        Data::DateTime(dt) => Some(iso_date(dt)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Some(s.clone()),
        Data::Error(e) => Some(e.to_string()),
    }
}

fn iso_date(dt: &calamine::ExcelDateTime) -> String {
    let (y, m, d, ..) = dt.to_ymd_hms_milli();
    format!("{y:04}-{m:02}-{d:02}")
}

/// A number cell as the tree holds numbers: as text, integers without a fraction.
fn number_scalar(d: &Data, decimals: Option<usize>) -> Scalar {
    match d {
        Data::Int(i) => Scalar::Int(i.to_string()),
        Data::Float(f) => match decimals {
            Some(n) if n > 0 => Scalar::Float(format!("{f:.n$}")),
            _ if f.fract() == 0.0 && f.abs() < 9.2e18 => Scalar::Int(format!("{}", *f as i64)),
            _ => Scalar::Float(f.to_string()),
        },
        other => Scalar::Str(text_of(other).unwrap_or_default()),
    }
}

/// The number of decimals a number format shows (`0.00` → 2), if it is a plain one.
fn format_decimals(code: &str) -> Option<usize> {
    let first = code.split(';').next()?;
    let (_, frac) = first.split_once('.')?;
    Some(frac.chars().take_while(|c| *c == '0').count())
}

/// One sheet as read: values, formulas, merged cells, number formats.
struct SheetData {
    name: &'static str,
    values: Range<Data>,
    formulas: Range<String>,
    merges: Vec<Dimensions>,
    styles: Option<calamine::StyleRange>,
}

impl SheetData {
    fn value(&self, row: u32, col: u32) -> &Data {
        self.values.get_value((row, col)).unwrap_or(&Data::Empty)
    }

    fn is_formula(&self, row: u32, col: u32) -> bool {
        self.formulas
            .get_value((row, col))
            .is_some_and(|f| !f.trim().is_empty())
    }

    fn decimals(&self, row: u32, col: u32) -> Option<usize> {
        let style = self.styles.as_ref()?.get((row, col))?;
        format_decimals(&style.number_format.as_ref()?.format_code)
    }
}

struct WorkbookReader {
    wb: Xlsx<Cursor<Vec<u8>>>,
    diags: Vec<Diagnostic>,
    /// Table keys whose sheet could not be read: their consequences are not reported.
    damaged: Vec<&'static str>,
    /// The value cell of each row of 基本信息, by key path.
    info_cells: HashMap<&'static str, Pos>,
}

impl WorkbookReader {
    fn sheet(&mut self, name: &'static str) -> Option<SheetData> {
        let names = self.wb.sheet_names();
        if !names.iter().any(|n| n == name) {
            let strangers: Vec<String> = names
                .iter()
                .filter(|n| !SHEETS.contains(&n.as_str()) && n.as_str() != MEMO)
                .map(|n| format!("“{n}”"))
                .collect();
            let mut d = Diagnostic::error(
                Rule::SheetMissing,
                "",
                format!("工作簿中没有工作表 “{name}”"),
            );
            d.hint = Some(if strangers.is_empty() {
                "请使用 nianbao init --xlsx 生成的工作簿，工作表不要删除或改名".into()
            } else {
                format!(
                    "工作表 {} 是否就是 “{name}”？请改回原名（工作表不要删除或改名）",
                    strangers.join("、")
                )
            });
            self.diags.push(d);
            return None;
        }
        let unreadable = |e: calamine::XlsxError| {
            Diagnostic::error(
                Rule::SheetUnreadable,
                "",
                format!("工作表 “{name}” 无法读取：{e}"),
            )
        };
        let values = match self.wb.worksheet_range(name) {
            Ok(v) => v,
            Err(e) => {
                self.diags.push(unreadable(e));
                return None;
            }
        };
        let formulas = self.wb.worksheet_formula(name).unwrap_or_default();
        let merges = self.wb.merge_cells_by_sheet_name(name).unwrap_or_default();
        let styles = self.wb.worksheet_style(name).ok();
        Some(SheetData {
            name,
            values,
            formulas,
            merges,
            styles,
        })
    }

    fn error(&mut self, rule: Rule, path: &str, at: Pos, message: String, hint: &str) {
        let mut d = Diagnostic::error(rule, path, message).at(Some(at));
        if !hint.is_empty() {
            d.hint = Some(hint.to_string());
        }
        self.diags.push(d);
    }
}

/// Reads a workbook from its bytes into the same report data as a text file gives.
///
/// # Errors
/// [`LoadError::NotWorkbook`] for bytes that are no workbook, and
/// [`LoadError::WorkbookLimit`] for a package past the [`nianbao_form::limits`] (checked
/// before calamine opens it).
pub fn read_bytes(bytes: Vec<u8>) -> Result<Decoded, LoadError> {
    super::guard::check_package(&bytes)?;
    let wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| LoadError::NotWorkbook {
        path: None,
        cause: e.to_string(),
    })?;
    let mut rd = WorkbookReader {
        wb,
        diags: Vec::new(),
        damaged: Vec::new(),
        info_cells: HashMap::new(),
    };
    let mut root: Vec<(String, Pos, Node)> = Vec::new();
    let Some(info) = rd.sheet(INFO) else {
        return Ok(Decoded {
            diags: rd.diags,
            ..Decoded::default()
        });
    };
    let mut table_texts: Vec<(&'static str, Pos, Node)> = Vec::new();
    let edition = read_info(&mut rd, &info, &mut root, &mut table_texts);
    let memo = read_memo(&mut rd);
    if let Some(edition) = edition {
        for t in tables::tables(edition) {
            let sheet = table_sheet(t);
            let at = pos(sheet, 0, 0);
            let mut entries = match rd.sheet(sheet) {
                Some(data) => read_table(&mut rd, &data, t, edition, &memo),
                None => None,
            };
            if entries.is_none() {
                rd.damaged.push(t.key);
            }
            if let Some(entries) = &mut entries {
                for (key, p, n) in table_texts.iter().filter(|x| x.0.starts_with(t.key)) {
                    let rest = &key[t.key.len() + 1..];
                    entries.push((rest.to_string(), *p, n.clone()));
                }
            }
            root.push((
                t.key.to_string(),
                at,
                node(Value::Map(entries.unwrap_or_default()), at),
            ));
        }
    }
    if let Some(text) = rd.sheet(TEXT) {
        read_text(&mut rd, &text, &mut root);
    } else {
        rd.damaged.extend(SECTIONS.iter().map(|s| s.1));
    }
    let mut decoded = decode::decode(&node(Value::Map(root), pos(INFO, 0, 0)));
    let damaged = rd.damaged.clone();
    decoded.diags.retain(|d| {
        !damaged
            .iter()
            .any(|k| d.path == *k || d.path.starts_with(&format!("{k}.")))
    });
    for d in decoded
        .diags
        .iter_mut()
        .filter(|d| d.rule == Rule::MissingKey)
    {
        place_missing(d, &rd.info_cells);
    }
    rd.diags.append(&mut decoded.diags);
    decoded.diags = rd.diags;
    Ok(decoded)
}

/// A required key left out is a row of 基本信息 left empty, or a section of 正文 without rows.
fn place_missing(d: &mut Diagnostic, info_cells: &HashMap<&'static str, Pos>) {
    if let Some(row) = INFO_ROWS.iter().find(|r| r.path == d.path) {
        let (message, at) = match info_cells.get(row.path) {
            Some(at) => (format!("“{}” 未填写", row.label), *at),
            None => (
                format!("{INFO} 中缺少 “{}” 一行", row.label),
                pos(INFO, 0, 0),
            ),
        };
        d.place_at(at);
        d.message = message;
    } else if let Some((name, _)) = SECTIONS.iter().find(|s| s.1 == d.path) {
        d.place_at(pos(TEXT, 0, 0));
        d.message = format!("{TEXT} 中没有 “{name}” 的内容");
        d.hint = Some("在 A 列选择这一部分，在 D 列写正文".into());
    }
}

fn read_info(
    rd: &mut WorkbookReader,
    sheet: &SheetData,
    root: &mut Vec<(String, Pos, Node)>,
    table_texts: &mut Vec<(&'static str, Pos, Node)>,
) -> Option<Edition> {
    let mut signature: Vec<(String, Pos, Node)> = Vec::new();
    let mut meta: Vec<(String, Pos, Node)> = Vec::new();
    let mut edition = None;
    let height = sheet.values.end().map_or(0, |e| e.0 + 1);
    for r in 1..height {
        let label = text_of(sheet.value(r, 0)).unwrap_or_default();
        let label = label.trim();
        let value = sheet.value(r, 1);
        if label.is_empty() {
            if !matches!(value, Data::Empty) {
                rd.error(
                    Rule::InfoLabel,
                    "",
                    pos(INFO, r, 1),
                    "有内容，但所在行没有项目名称".into(),
                    "请在 A 列写明项目名称，或删去这一行的内容",
                );
            }
            continue;
        }
        let Some(row) = INFO_ROWS.iter().find(|x| x.label == label) else {
            let names: Vec<&str> = INFO_ROWS.iter().map(|x| x.label).collect();
            let hint = match decode::closest(label, names.iter().copied()) {
                Some(c) => format!("是否想写 “{c}”？"),
                None => format!("可用的项目：{}", names.join("、")),
            };
            rd.error(
                Rule::InfoLabel,
                "",
                pos(INFO, r, 0),
                format!("未知的项目 “{label}”"),
                &hint,
            );
            continue;
        };
        let at = pos(INFO, r, 1);
        if let Some(first) = rd.info_cells.get(row.path).copied() {
            rd.error(
                Rule::DuplicateKey,
                row.path,
                at,
                format!(
                    "项目 “{}” 写了两次（另一处在第 {} 行）",
                    row.label, first.line
                ),
                "只保留一行",
            );
            continue;
        }
        rd.info_cells.insert(row.path, at);
        if matches!(value, Data::Empty) {
            continue;
        }
        if sheet.is_formula(r, 1) {
            rd.error(
                Rule::Formula,
                row.path,
                at,
                "这一格是公式；此处请直接填写内容".into(),
                "",
            );
            continue;
        }
        let scalar = match (row.kind, value) {
            (InfoKind::Edition, v) => {
                let text = text_of(v).unwrap_or_default().trim().to_string();
                edition = Edition::parse(&text);
                Scalar::Str(text)
            }
            (InfoKind::Year, v) => number_scalar(v, None),
            (InfoKind::Date, Data::DateTime(dt)) => Scalar::Str(iso_date(dt)),
            (_, v) => Scalar::Str(text_of(v).unwrap_or_default()),
        };
        let n = if row.kind == InfoKind::List {
            let Scalar::Str(text) = &scalar else {
                continue;
            };
            let items = text
                .split(['；', ';'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| str_node(s, at))
                .collect();
            node(Value::Seq(items), at)
        } else {
            node(Value::Scalar(scalar), at)
        };
        match row.path.split_once('.') {
            Some(("signature", key)) => signature.push((key.to_string(), at, n)),
            Some(("meta", key)) => meta.push((key.to_string(), at, n)),
            Some(_) => table_texts.push((row.path, at, n)),
            None => root.push((row.path.to_string(), at, n)),
        }
    }
    if !signature.is_empty() {
        let at = signature[0].1;
        root.push(("signature".into(), at, node(Value::Map(signature), at)));
    }
    if !meta.is_empty() {
        let at = meta[0].1;
        root.push(("meta".into(), at, node(Value::Map(meta), at)));
    }
    edition
}

/// What the hidden sheet says was written out: (kind, key path).
fn read_memo(rd: &mut WorkbookReader) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    if !rd.wb.sheet_names().iter().any(|n| n == MEMO) {
        return out;
    }
    let Ok(range) = rd.wb.worksheet_range(MEMO) else {
        return out;
    };
    let cell = |r: u32, c: u32| text_of(range.get_value((r, c)).unwrap_or(&Data::Empty));
    if cell(0, 0).as_deref() != Some(MEMO_MARK) {
        return out;
    }
    let height = range.end().map_or(0, |e| e.0 + 1);
    for r in 1..height {
        if let (Some(kind), Some(path)) = (cell(r, 0), cell(r, 1)) {
            out.insert((kind, path));
        }
    }
    out
}

/// Where a table sheet differs from the form: a label out of place (the first one is
/// enough: the rest would repeat it), or merged cells other than the form's.
fn layout_problems(sheet: &SheetData, t: &TableSpec) -> Vec<(Pos, String)> {
    let variants = header_variants(sheet, t);
    let mut problems = Vec::new();
    let mut expected_merges: Vec<Dimensions> = Vec::new();
    for p in t.placed() {
        let (r, c) = (TOP + p.row as u32, p.col as u32);
        if p.cell.rowspan > 1 || p.cell.colspan > 1 {
            expected_merges.push(Dimensions::new(
                (r, c),
                (r + p.cell.rowspan as u32 - 1, c + p.cell.colspan as u32 - 1),
            ));
        }
        let Content::Label {
            text, replaced_by, ..
        } = p.cell.content
        else {
            continue;
        };
        let found = text_of(sheet.value(r, c)).unwrap_or_default();
        let found = found.trim();
        let variant = replaced_by.is_some() && variants.iter().any(|v| v == found);
        if found != text && !variant {
            let message = format!("此格应为 “{text}”，实为 “{found}”");
            return vec![(pos(sheet.name, r, c), message)];
        }
    }
    let area = Dimensions::new(
        (TOP, 0),
        (TOP + t.rows.len() as u32 - 1, t.columns as u32 - 1),
    );
    let inside =
        |d: &Dimensions| area.contains(d.start.0, d.start.1) || area.contains(d.end.0, d.end.1);
    let range_name = |d: &Dimensions| {
        format!(
            "{}!{}:{}",
            sheet.name,
            cell_ref(d.start.0, d.start.1 as u16),
            cell_ref(d.end.0, d.end.1 as u16)
        )
    };
    for m in &expected_merges {
        if !sheet.merges.contains(m) {
            let message = format!("{} 应为一个合并单元格", range_name(m));
            problems.push((pos(sheet.name, m.start.0, m.start.1), message));
        }
    }
    for m in sheet.merges.iter().filter(|m| inside(m)) {
        if !expected_merges.contains(m) {
            let message = format!("{} 不应合并", range_name(m));
            problems.push((pos(sheet.name, m.start.0, m.start.1), message));
        }
    }
    problems
}

/// Checks a table sheet against the form of the edition; says so when the sheet is the
/// other edition's form. Returns whether the sheet can be read.
fn check_layout(
    rd: &mut WorkbookReader,
    sheet: &SheetData,
    t: &TableSpec,
    edition: Edition,
) -> bool {
    let problems = layout_problems(sheet, t);
    if problems.is_empty() {
        return true;
    }
    let other = edition.other();
    let other_form = tables::tables(other).iter().find(|x| x.id == t.id);
    if other_form.is_some_and(|o| layout_problems(sheet, o).is_empty()) {
        let at = rd
            .info_cells
            .get("edition")
            .copied()
            .unwrap_or(pos(sheet.name, TOP, 0));
        rd.error(
            Rule::SheetEdition,
            "edition",
            at,
            format!(
                "工作表 “{}” 是 {} 版（{}）的表格，而基本信息中的表格格式为 {}",
                sheet.name,
                other.as_str(),
                other.notice(),
                edition.as_str()
            ),
            &format!(
                "把表格格式改回 {}，或用 nianbao init --xlsx --edition {} 重新生成工作簿后再填写",
                other.as_str(),
                edition.as_str()
            ),
        );
        return false;
    }
    let hint = "表格的行、列或合并单元格被改动过（插入、删除或移动）；请按 nianbao init --xlsx 生成的原样填写，只改浅色的填写格";
    for (at, message) in problems {
        rd.error(Rule::SheetLayout, "", at, message, hint);
    }
    false
}

/// A value cell of a table sheet: index in its row key, kind, sheet row and column.
type ValueCell = (Option<usize>, Kind, u32, u32);

/// Reads the numbers of one table sheet into the entries of its key.
fn read_table(
    rd: &mut WorkbookReader,
    sheet: &SheetData,
    t: &'static TableSpec,
    edition: Edition,
    memo: &BTreeSet<(String, String)>,
) -> Option<Vec<(String, Pos, Node)>> {
    if !check_layout(rd, sheet, t, edition) {
        return None;
    }
    warn_outside(rd, sheet, t);
    // Cells of each key, in index order.
    let mut keys: Vec<&'static str> = Vec::new();
    let mut cells: HashMap<&'static str, Vec<ValueCell>> = HashMap::new();
    for p in t.placed() {
        if let Content::Value { path, index, kind } = p.cell.content {
            if !keys.contains(&path) {
                keys.push(path);
            }
            cells
                .entry(path)
                .or_default()
                .push((index, kind, TOP + p.row as u32, p.col as u32));
        }
    }
    // The counts read so far, for the formulas of （七）总计.
    let results = rules::result_rows(edition);
    let mut ints: HashMap<&'static str, Vec<Option<i64>>> = HashMap::new();
    let mut out: Vec<(String, Pos, Node)> = Vec::new();
    for path in keys {
        let list = &cells[path];
        let rest = &path[t.key.len() + 1..];
        if let [(None, kind, r, c)] = list[..] {
            // A single value of table 二.
            let at = pos(sheet.name, r, c);
            if sheet.is_formula(r, c) {
                formula_in_input(rd, sheet, path, r, c);
                continue;
            }
            let value = sheet.value(r, c);
            let scalar = match (value, kind) {
                (Data::Empty, Kind::Money) => Scalar::Int("0".into()),
                (Data::Empty, _) => Scalar::Int("0".into()),
                (v, Kind::Money) => number_scalar(v, sheet.decimals(r, c)),
                (v, _) => number_scalar(v, None),
            };
            insert(&mut out, rest, node(Value::Scalar(scalar), at));
            continue;
        }
        // A row of counts with its 总计.
        let given_row = memo.contains(&(MEMO_ROW.to_string(), path.to_string()));
        let given_total = memo.contains(&(MEMO_TOTAL.to_string(), path.to_string()));
        let mut items: Vec<Node> = Vec::new();
        let mut values: Vec<Option<i64>> = Vec::new();
        let mut any_literal = false;
        let mut complete = true;
        for &(index, kind, r, c) in list {
            let at = pos(sheet.name, r, c);
            let i = index.unwrap_or(0);
            let value = sheet.value(r, c);
            let formula = sheet.is_formula(r, c);
            if formula && !is_computed(path, kind) {
                formula_in_input(rd, sheet, path, r, c);
                complete = false;
                continue;
            }
            if kind == Kind::Total {
                let sum: Option<i64> = values.iter().try_fold(0i64, |a, v| a.checked_add((*v)?));
                match (formula, value) {
                    (true, _) if given_total => {
                        if let Some(s) = sum {
                            items.push(node(Value::Scalar(Scalar::Int(s.to_string())), at));
                        }
                    }
                    (true, _) | (false, Data::Empty) => {}
                    (false, v) => {
                        any_literal = true;
                        items.push(node(Value::Scalar(number_scalar(v, None)), at));
                    }
                }
                continue;
            }
            let scalar = if formula {
                // （七）总计: the column sum of the result rows, computed here.
                let sum = results
                    .iter()
                    .map(|p| {
                        ints.get(p)
                            .map_or(Some(0), |row| row.get(i).copied().flatten())
                    })
                    .try_fold(0i64, |a, v| a.checked_add(v?));
                match sum {
                    Some(s) => Scalar::Int(s.to_string()),
                    None => {
                        complete = false;
                        continue;
                    }
                }
            } else {
                if !matches!(value, Data::Empty) {
                    any_literal = true;
                }
                match value {
                    Data::Empty => Scalar::Int("0".into()),
                    v => number_scalar(v, None),
                }
            };
            values.push(match &scalar {
                Scalar::Int(s) => s.parse().ok(),
                _ => None,
            });
            items.push(node(Value::Scalar(scalar), at));
        }
        ints.insert(path, values);
        let keep = if path == COMPUTED_ROW {
            given_row || any_literal
        } else {
            any_literal || !t.rows_optional
        };
        if !keep || !complete {
            continue;
        }
        let at = items.first().map_or(pos(sheet.name, 0, 0), |n| n.pos);
        insert(&mut out, rest, node(Value::Seq(items), at));
    }
    Some(out)
}

/// The local header variant of table 二 (the 采购总金额 cell), if the sheet has one.
fn header_variants(sheet: &SheetData, t: &TableSpec) -> Vec<String> {
    t.placed()
        .into_iter()
        .filter_map(|p| match p.cell.content {
            Content::Label {
                text,
                replaced_by: Some(_),
                ..
            } => {
                let found = text_of(sheet.value(TOP + p.row as u32, p.col as u32))?;
                // A variant keeps the official words at its start.
                found
                    .trim()
                    .starts_with(text)
                    .then(|| found.trim().to_string())
            }
            _ => None,
        })
        .collect()
}

fn formula_in_input(rd: &mut WorkbookReader, sheet: &SheetData, path: &str, r: u32, c: u32) {
    rd.error(
        Rule::Formula,
        path,
        pos(sheet.name, r, c),
        "这一格是公式；填写格请直接填数字（公式的结果不被采信）".into(),
        "把公式换成它的结果（复制后“选择性粘贴—数值”）",
    );
}

/// Warns about content below or beside a table: it is not read.
fn warn_outside(rd: &mut WorkbookReader, sheet: &SheetData, t: &TableSpec) {
    let last_row = TOP + t.rows.len() as u32 - 1;
    let last_col = t.columns as u32 - 1;
    let stray = sheet.values.used_cells().find(|(r, c, v)| {
        (*r as u32 > last_row || *c as u32 > last_col) && !matches!(v, Data::Empty)
    });
    if let Some((r, c, _)) = stray {
        let (r, c) = (r as u32, c as u32);
        let mut d = Diagnostic::warning(
            Rule::OutsideTable,
            "",
            "这一格在表格之外，其内容未被读取".to_string(),
        )
        .at(Some(pos(sheet.name, r, c)));
        d.hint = Some("数字只能填在表格的填写格中".into());
        rd.diags.push(d);
    }
}

/// Inserts a node at a dotted path below `entries`, creating maps on the way.
fn insert(entries: &mut Vec<(String, Pos, Node)>, rest: &str, n: Node) {
    match rest.split_once('.') {
        None => entries.push((rest.to_string(), n.pos, n)),
        Some((head, tail)) => {
            let i = match entries.iter().position(|e| e.0 == head) {
                Some(i) => i,
                None => {
                    entries.push((head.to_string(), n.pos, node(Value::Map(Vec::new()), n.pos)));
                    entries.len() - 1
                }
            };
            if let Value::Map(children) = &mut entries[i].2.value {
                insert(children, tail, n);
            }
        }
    }
}

fn read_text(rd: &mut WorkbookReader, sheet: &SheetData, root: &mut Vec<(String, Pos, Node)>) {
    // Per section: its nodes (a text for the preamble, blocks for the others).
    let mut preamble: Vec<(String, Pos)> = Vec::new();
    let mut blocks: HashMap<&'static str, (Pos, Vec<Node>)> = HashMap::new();
    let mut section: Option<&'static str> = None;
    let height = sheet.values.end().map_or(0, |e| e.0 + 1);
    for r in 1..height {
        let cell = |c: u32| text_of(sheet.value(r, c)).unwrap_or_default();
        let (a, b, title, text) = (cell(0), cell(1), cell(2), cell(3));
        if a.trim().is_empty()
            && b.trim().is_empty()
            && title.trim().is_empty()
            && text.trim().is_empty()
        {
            continue;
        }
        if !a.trim().is_empty() {
            section = section_key(&a);
            if section.is_none() {
                let names: Vec<&str> = SECTIONS.iter().map(|s| s.0).collect();
                rd.error(
                    Rule::TextSection,
                    "",
                    pos(TEXT, r, 0),
                    format!("未知的部分 “{}”", a.trim()),
                    &format!("部分只能是：{}", names.join("、")),
                );
                continue;
            }
        }
        let Some(key) = section else {
            rd.error(
                Rule::TextSection,
                "",
                pos(TEXT, r, 0),
                "这一行没有写明属于哪一部分".into(),
                "在 A 列选择：前言、一、五、六",
            );
            continue;
        };
        let kind = match b.trim() {
            "" if title.trim().is_empty() => PARAGRAPH,
            "" => ITEM,
            k if [PARAGRAPH, ITEM, SUBITEM].contains(&k) => [PARAGRAPH, ITEM, SUBITEM]
                .into_iter()
                .find(|x| *x == k)
                .unwrap_or(PARAGRAPH),
            other => {
                rd.error(
                    Rule::TextKind,
                    "",
                    pos(TEXT, r, 1),
                    format!("未知的类型 “{other}”"),
                    "类型只能是：段落、条目、分项",
                );
                continue;
            }
        };
        let text_pos = pos(TEXT, r, 3);
        if key == "preamble" {
            if kind != PARAGRAPH || !title.trim().is_empty() {
                rd.error(
                    Rule::TextKind,
                    "preamble",
                    pos(TEXT, r, 1),
                    "前言只有不编号的段落（类型“段落”，不写标题）".into(),
                    "",
                );
                continue;
            }
            preamble.push((text, text_pos));
            continue;
        }
        let (_, list) = blocks
            .entry(key)
            .or_insert_with(|| (pos(TEXT, r, 0), Vec::new()));
        match kind {
            PARAGRAPH => {
                if !title.trim().is_empty() {
                    rd.error(
                        Rule::TextKind,
                        key,
                        pos(TEXT, r, 2),
                        "类型为“段落”的行不能有标题".into(),
                        "带小标题、编号（一）（二）…的段落，类型选“条目”",
                    );
                    continue;
                }
                list.push(str_node(&text, text_pos));
            }
            ITEM => {
                let title_pos = pos(TEXT, r, 2);
                let entries = vec![
                    ("title".to_string(), title_pos, str_node(&title, title_pos)),
                    ("text".to_string(), text_pos, str_node(&text, text_pos)),
                ];
                list.push(node(Value::Map(entries), title_pos));
            }
            _ => {
                let parent = list.last_mut().and_then(|n| match &mut n.value {
                    Value::Map(e) if e.iter().any(|x| x.0 == "title") => Some(e),
                    _ => None,
                });
                let Some(entries) = parent else {
                    rd.error(
                        Rule::TextKind,
                        key,
                        pos(TEXT, r, 1),
                        "“分项”前面应有一个“条目”".into(),
                        "分项是条目之下编号 1. 2. … 的段落；请先写条目",
                    );
                    continue;
                };
                let item = str_node(&text, text_pos);
                match entries.iter_mut().find(|x| x.0 == "items") {
                    Some((_, _, n)) => {
                        if let Value::Seq(items) = &mut n.value {
                            items.push(item);
                        }
                    }
                    None => entries.push((
                        "items".into(),
                        text_pos,
                        node(Value::Seq(vec![item]), text_pos),
                    )),
                }
            }
        }
    }
    if let Some((_, first)) = preamble.first() {
        let first = *first;
        let text: Vec<String> = preamble.into_iter().map(|p| p.0).collect();
        root.push((
            "preamble".into(),
            first,
            str_node(&text.join("\n\n"), first),
        ));
    }
    for (_, key) in &SECTIONS[1..] {
        if let Some((at, list)) = blocks.remove(key) {
            root.push((key.to_string(), at, node(Value::Seq(list), at)));
        }
    }
}
