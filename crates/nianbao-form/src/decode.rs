//! From the parsed tree to a [`Report`]: every key checked against the contract
//! (data-format.md) and the edition's table description, every problem collected.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::diag::{Diagnostic, Pos, Rule};
use crate::limits;
use crate::model::{Block, Date, Edition, Meta, OrganKind, Report, Signature, Values};
use crate::tables::{self, Kind, Shape};
use crate::text;
use crate::tree::{Node, Scalar, Value};

/// Where each key path of the input was written.
#[derive(Clone, Debug, Default)]
pub struct Positions {
    values: HashMap<String, Pos>,
    block_text: HashSet<String>,
}

impl Positions {
    /// The position of the value at `path` (e.g. `applications.new[2]`), if it was written.
    pub fn get(&self, path: &str) -> Option<Pos> {
        self.values.get(path).copied()
    }

    /// The position of `path`, or of the nearest enclosing key that was written.
    pub fn nearest(&self, path: &str) -> Option<Pos> {
        let mut p = path;
        loop {
            if let Some(pos) = self.get(p) {
                return Some(pos);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }

    /// Whether the text at `path` was written as a YAML block scalar (it starts a line lower).
    pub fn is_block_text(&self, path: &str) -> bool {
        self.block_text.contains(path)
    }

    fn record(&mut self, path: &str, node: &Node) {
        self.values.insert(path.to_string(), node.pos);
        if node.block_text {
            self.block_text.insert(path.to_string());
        }
    }
}

/// What reading one file gave.
#[derive(Debug, Default)]
pub struct Decoded {
    /// The report, when edition, year and organ could be read.
    pub report: Option<Report>,
    /// Where every key was written.
    pub positions: Positions,
    /// Key paths of table values that could not be read (rules that need them are skipped).
    pub invalid: HashSet<String>,
    /// Every problem found.
    pub diags: Vec<Diagnostic>,
}

/// The keys a report may have at its top level.
pub const TOP_KEYS: &[&str] = &[
    "$schema",
    "edition",
    "year",
    "organ",
    "title",
    "preamble",
    "overview",
    "active_disclosure",
    "applications",
    "reviews_and_lawsuits",
    "problems",
    "other_matters",
    "signature",
    "meta",
];

/// The expected keys of a map, as a tree built from the table description.
#[derive(Debug)]
enum Expect {
    Branch(Vec<(String, Expect)>),
    Number(Shape),
    Text,
}

impl Expect {
    fn insert(&mut self, rest: &[&str], leaf: Expect) {
        let Expect::Branch(children) = self else {
            return;
        };
        let (head, tail) = (rest[0], &rest[1..]);
        let pos = children.iter().position(|(k, _)| k == head);
        if tail.is_empty() {
            children.push((head.to_string(), leaf));
        } else {
            let i = pos.unwrap_or_else(|| {
                children.push((head.to_string(), Expect::Branch(Vec::new())));
                children.len() - 1
            });
            children[i].1.insert(tail, leaf);
        }
    }

    fn child(&self, key: &str) -> Option<&Expect> {
        match self {
            Expect::Branch(c) => c.iter().find(|(k, _)| k == key).map(|(_, e)| e),
            _ => None,
        }
    }

    fn describe(&self) -> String {
        match self {
            Expect::Branch(c) => {
                let keys: Vec<&str> = c.iter().map(|(k, _)| k.as_str()).collect();
                format!("映射 {{{}}}", keys.join(", "))
            }
            Expect::Number(Shape::Row { len, total, .. }) => {
                if *total {
                    format!("由 {len} 个数组成的列表（可加第 {} 个数：总计）", len + 1)
                } else {
                    format!("由 {len} 个数组成的列表")
                }
            }
            Expect::Number(Shape::Scalar(Kind::Money)) => "金额（如 \"96171.6\"）".into(),
            Expect::Number(Shape::Scalar(_)) => "一个整数".into(),
            Expect::Text => "文本".into(),
        }
    }
}

/// The expected keys of one table of one edition.
fn expected_table(edition: Edition, key: &str) -> Option<Expect> {
    let table = tables::table_for(edition, key)?;
    let mut root = Expect::Branch(Vec::new());
    for f in table.fields() {
        let parts: Vec<&str> = f.path.split('.').skip(1).collect();
        root.insert(&parts, Expect::Number(f.shape));
    }
    for t in &table.text_keys {
        let parts: Vec<&str> = t.split('.').skip(1).collect();
        root.insert(&parts, Expect::Text);
    }
    Some(root)
}

/// The valid key closest to a mistyped one, if one is close enough to be meant.
pub fn closest<'a>(key: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(key, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

struct Decoder {
    positions: Positions,
    invalid: HashSet<String>,
    diags: Vec<Diagnostic>,
    values: BTreeMap<String, Values>,
    table_texts: BTreeMap<String, String>,
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// A hint in the words of where the value was written: a text file, or a workbook cell
/// (a clerk typing into a cell has no quotes or YAML syntax to fix).
fn hint_for(node: &Node, text_file: Option<&str>, cell: &str) -> Option<String> {
    match node.pos.sheet {
        Some(_) => Some(cell.to_string()),
        None => text_file.map(str::to_string),
    }
}

/// Text that clerks put in a number cell to mean "nothing": 无, —, / …
const PLACEHOLDERS: &[&str] = &[
    "—", "——", "-", "--", "－", "–", "/", "／", "\\", "无", "空", "暂无", "×", "N/A", "n/a", "NA",
];

/// A number written as text that plainly means one number: full-width digits
/// (`２０５１７`), thousands separators (`20,517`, `2，008`), surrounding spaces. Gives
/// the number in ASCII digits (with its fraction, when `fraction`) and the causes
/// in the user's words (全角数字, 千位分隔符), or `None` when the text is no number or
/// is ambiguous (`2,08`, `1.5` for a count).
fn plain_number(text: &str, fraction: bool) -> Option<(String, Vec<&'static str>)> {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}');
    let mut causes = Vec::new();
    let mut ascii = String::with_capacity(trimmed.len());
    for c in trimmed.chars() {
        let mapped = match c {
            '０'..='９' => {
                if !causes.contains(&"全角数字") {
                    causes.push("全角数字");
                }
                char::from_u32(c as u32 - '０' as u32 + '0' as u32)?
            }
            '，' => ',',
            '．' if fraction => '.',
            c => c,
        };
        ascii.push(mapped);
    }
    let (int, frac) = match ascii.split_once('.') {
        Some((i, f)) if fraction => (i.to_string(), Some(f.to_string())),
        Some(_) => return None,
        None => (ascii.clone(), None),
    };
    let groups: Vec<&str> = int.split(',').collect();
    if groups.len() > 1 {
        let first_ok = (1..=3).contains(&groups[0].len()) && !groups[0].starts_with('0');
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
        causes.push("千位分隔符");
    }
    let digits: String = groups.concat();
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(&digits) || frac.as_deref().is_some_and(|f| !all_digits(f)) {
        return None;
    }
    Some(match frac {
        Some(f) => (format!("{digits}.{f}"), causes),
        None => (digits, causes),
    })
}

/// The hint for a number cell that holds something else: the cause when it can be
/// named (a placeholder for "none", a unit or a remark beside the number).
fn not_a_number_hint(node: &Node, s: &str) -> Option<String> {
    let t = s.trim();
    if t.is_empty() || PLACEHOLDERS.contains(&t) {
        return Some("没有数据请填 0（不要填 “—”、“/” 或 “无”）".into());
    }
    if plain_number(t, true).is_some() {
        return Some("数量只能是整数".into());
    }
    let leading_digits = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || ('０'..='９').contains(c))
        .count();
    if leading_digits > 0 {
        return Some("只填数字，不要带单位、说明或括注（说明写进正文）".into());
    }
    hint_for(
        node,
        Some("数量写作整数，如 12"),
        "在单元格中填数字（不要带单位、空格或引号）",
    )
}

impl Decoder {
    fn error(&mut self, rule: Rule, path: &str, pos: Pos, message: String) -> &mut Diagnostic {
        self.diags
            .push(Diagnostic::error(rule, path, message).at(Some(pos)));
        self.diags.last_mut().expect("just pushed")
    }

    fn wrong_type(&mut self, path: &str, node: &Node, expected: &str) {
        self.error(
            Rule::Type,
            path,
            node.pos,
            format!("“{path}” 应为{expected}，实为{}", node.kind_name()),
        );
    }

    fn unknown_key(&mut self, path: &str, key: &str, pos: Pos, valid: &[&str]) {
        let full = join(path, key);
        let d = self.error(Rule::UnknownKey, &full, pos, format!("未知的键 “{full}”"));
        d.hint = Some(match closest(key, valid.iter().copied()) {
            Some(c) => format!("是否想写 “{}”？", c),
            None => format!("此处可用的键：{}", valid.join("、")),
        });
    }

    fn map<'n>(&mut self, path: &str, node: &'n Node) -> Option<&'n [(String, Pos, Node)]> {
        match &node.value {
            Value::Map(entries) => Some(entries),
            _ => {
                self.wrong_type(
                    if path.is_empty() {
                        "（文件）"
                    } else {
                        path
                    },
                    node,
                    "映射",
                );
                None
            }
        }
    }

    /// A text value; numbers are taken as written. Text past
    /// [`limits::MAX_TEXT_CHARS`] or holding a character that cannot be printed is an
    /// error; stray ASCII spaces between Chinese characters are removed with a warning.
    fn text(&mut self, path: &str, node: &Node) -> Option<String> {
        self.positions.record(path, node);
        let s = match &node.value {
            Value::Scalar(Scalar::Str(s) | Scalar::Int(s) | Scalar::Float(s)) => s,
            _ => {
                self.wrong_type(path, node, "文本");
                return None;
            }
        };
        let chars = s.chars().count();
        if chars > limits::MAX_TEXT_CHARS {
            self.error(
                Rule::Limit,
                path,
                node.pos,
                format!(
                    "“{path}” 长 {chars} 字，超过上限 {} 字",
                    limits::MAX_TEXT_CHARS
                ),
            )
            .hint = Some("请检查是否粘贴了整份文件；一个段落不会这样长".into());
            return None;
        }
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|(_, c)| limits::is_unprintable(*c))
        {
            let count = s.chars().filter(|c| limits::is_unprintable(*c)).count();
            let from = i.saturating_sub(8);
            let around: String = s.chars().skip(from).take(i - from).collect();
            self.error(
                Rule::Unprintable,
                path,
                node.pos,
                format!(
                    "“{path}” 第 {} 个字符是无法打印的控制字符 U+{:04X}（{}{}）",
                    i + 1,
                    c as u32,
                    if around.is_empty() {
                        "在开头".to_string()
                    } else {
                        format!("在 “{around}” 之后")
                    },
                    if count > 1 {
                        format!("，共 {count} 个")
                    } else {
                        String::new()
                    }
                ),
            )
            .hint = Some("删除这些字符：它们常随复制粘贴带入，打印不出，也无法存入 DOCX".into());
            return Some(s.chars().filter(|c| !limits::is_unprintable(*c)).collect());
        }
        let (tidy, removed) = text::remove_stray_spaces(s);
        if removed > 0 {
            let example = text::first_stray_space(s).unwrap_or_default();
            self.diags.push(
                Diagnostic::warning(
                    Rule::StraySpace,
                    path,
                    format!(
                        "“{path}” 中汉字或全角标点旁有 {removed} 处多余的半角空格（如 “{example}”），已删除"
                    ),
                )
                .at(Some(node.pos))
                .hint(hint_for(
                    node,
                    Some("删除汉字之间的空格：多行书写的文本（如 YAML 折行）会把换行变成空格，从 PDF 或网页粘贴的文字也常带空格"),
                    "删除单元格中汉字之间的空格",
                ).unwrap_or_default()),
            );
            return Some(tidy);
        }
        Some(s.clone())
    }

    fn date(&mut self, path: &str, node: &Node) -> Option<Date> {
        let s = self.text(path, node)?;
        let date = Date::parse(s.trim());
        if date.is_none() {
            self.error(
                Rule::Date,
                path,
                node.pos,
                format!("“{path}” 不是有效日期：{s}"),
            )
            .hint = hint_for(
                node,
                Some("日期写作 YYYY-MM-DD，如 2021-01-20"),
                "在单元格中输入日期（如 2021-01-20），不要写成文字",
            );
        }
        date
    }

    /// An integer of the given kind.
    fn integer(&mut self, path: &str, node: &Node, kind: Kind) -> Option<i64> {
        self.positions.record(path, node);
        let problem = match &node.value {
            Value::Scalar(Scalar::Int(raw)) => match raw.parse::<i64>() {
                Ok(v) if v < 0 && kind != Kind::Signed => Some((
                    Rule::Negative,
                    format!("“{path}” 是负数 {v}，数量不能为负"),
                    None,
                )),
                Ok(v) => return Some(v),
                Err(_) => Some((
                    Rule::Overflow,
                    format!("“{path}” 的数值 {raw} 超出可处理的范围"),
                    None,
                )),
            },
            Value::Scalar(Scalar::Float(raw)) => Some((
                Rule::Fractional,
                format!("“{path}” 应为整数，实为 {raw}"),
                Some("数量只能是整数".to_string()),
            )),
            Value::Scalar(Scalar::Str(s)) => match plain_number(s, false) {
                Some((digits, causes)) => {
                    let value = self.number_written_as_text(path, node, s, &digits, causes);
                    return value.parse::<i64>().ok().or_else(|| {
                        self.error(
                            Rule::Overflow,
                            path,
                            node.pos,
                            format!("“{path}” 的数值 {digits} 超出可处理的范围"),
                        );
                        None
                    });
                }
                None => Some((
                    Rule::NotANumber,
                    format!("“{path}” 应为整数，实为文本 “{s}”"),
                    not_a_number_hint(node, s),
                )),
            },
            Value::Scalar(Scalar::Null) => Some((
                Rule::NotANumber,
                format!("“{path}” 是空值，应为整数"),
                Some("没有数量时填 0".to_string()),
            )),
            _ => Some((
                Rule::NotANumber,
                format!("“{path}” 应为整数，实为{}", node.kind_name()),
                None,
            )),
        };
        let (rule, message, hint) = problem?;
        self.error(rule, path, node.pos, message).hint = hint;
        None
    }

    /// A number read from text (full-width digits, thousands separators, a quoted
    /// number, a workbook cell formatted as text): a warning that names the cause and
    /// the value read. Returns the value.
    fn number_written_as_text(
        &mut self,
        path: &str,
        node: &Node,
        written: &str,
        value: &str,
        mut causes: Vec<&'static str>,
    ) -> String {
        let in_workbook = node.pos.sheet.is_some();
        if in_workbook {
            causes.insert(0, "单元格格式为文本");
        } else if causes.is_empty() {
            causes.push("数字加了引号");
        }
        let hint = if in_workbook {
            format!(
                "把单元格格式设为“常规”或“数值”后重新输入 {value}（文本格式的数字在 Excel、WPS 中不参与求和）"
            )
        } else {
            format!("直接写半角数字，不加引号和千位分隔符：{value}")
        };
        self.diags.push(
            Diagnostic::warning(
                Rule::NumberFormat,
                path,
                format!(
                    "“{path}” 写作 “{}”（{}），已按 {value} 读取",
                    written.trim(),
                    causes.join("、")
                ),
            )
            .at(Some(node.pos))
            .hint(hint),
        );
        value.to_string()
    }

    /// A money amount, kept exactly as written.
    fn money(&mut self, path: &str, node: &Node) -> Option<String> {
        self.positions.record(path, node);
        let raw = match &node.value {
            Value::Scalar(Scalar::Int(s) | Scalar::Float(s)) => s.trim().to_string(),
            // A decimal written as text is how money keeps its digits (our own
            // workbook writes long amounts as text): only a changed form warns.
            Value::Scalar(Scalar::Str(s)) => match plain_number(s, true) {
                Some((plain, causes)) if plain != s.trim() => {
                    self.number_written_as_text(path, node, s, &plain, causes)
                }
                _ => s.trim().to_string(),
            },
            _ => {
                self.wrong_type(path, node, "金额");
                return None;
            }
        };
        let (int, frac) = raw.split_once('.').unwrap_or((&raw, "0"));
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(int) && digits(frac) {
            return Some(raw);
        }
        let d = self.error(
            Rule::Money,
            path,
            node.pos,
            format!("“{path}” 不是有效金额：{raw}"),
        );
        d.hint = if PLACEHOLDERS.contains(&raw.as_str()) {
            Some("没有收费请填 0（不要填 “—”、“/” 或 “无”）".into())
        } else {
            hint_for(
                node,
                Some("金额写作非负的十进制数，如 96171.6 或 \"0\"（不用科学计数法）"),
                "金额填不小于 0 的数，如 96171.6",
            )
        };
        None
    }

    fn numbers(&mut self, edition: Edition, path: &str, node: &Node, shape: &Shape) {
        match shape {
            Shape::Scalar(Kind::Money) => {
                if let Some(m) = self.money(path, node) {
                    self.values.insert(path.to_string(), Values::Money(m));
                    return;
                }
            }
            Shape::Scalar(kind) => {
                if let Some(v) = self.integer(path, node, *kind) {
                    self.values.insert(path.to_string(), Values::Int(v));
                    return;
                }
            }
            Shape::Row { len, kind, total } => {
                self.positions.record(path, node);
                let Value::Seq(items) = &node.value else {
                    self.wrong_type(path, node, &Expect::Number(shape.clone()).describe());
                    self.invalid.insert(path.to_string());
                    return;
                };
                let allowed = if *total { *len..=*len + 1 } else { *len..=*len };
                if !allowed.contains(&items.len()) {
                    let d = self.error(
                        Rule::RowLength,
                        path,
                        node.pos,
                        format!(
                            "“{path}” 应有 {} 个数，实有 {} 个",
                            if *total {
                                format!("{len}（或 {}，含总计）", len + 1)
                            } else {
                                len.to_string()
                            },
                            items.len()
                        ),
                    );
                    d.expected = Some(len.to_string());
                    d.found = Some(items.len().to_string());
                    d.hint = tables::table_for(edition, path)
                        .and_then(|t| t.row_columns())
                        .map(|cols| format!("每行依次为：{}，可再加总计", cols.join("、")));
                    self.invalid.insert(path.to_string());
                    return;
                }
                let mut values = Vec::with_capacity(*len);
                let mut ok = true;
                for (i, item) in items.iter().enumerate() {
                    let k = if i < *len { *kind } else { Kind::Count };
                    match self.integer(&format!("{path}[{i}]"), item, k) {
                        Some(v) => values.push(v),
                        None => ok = false,
                    }
                }
                if ok {
                    let given_total = (values.len() > *len).then(|| values.pop()).flatten();
                    self.values.insert(
                        path.to_string(),
                        Values::Row {
                            values,
                            given_total,
                        },
                    );
                    return;
                }
            }
        }
        self.invalid.insert(path.to_string());
    }

    /// Walks a table's map against what the edition expects.
    fn table_node(
        &mut self,
        edition: Edition,
        path: &str,
        node: &Node,
        expect: &Expect,
        other: Option<&Expect>,
        optional: bool,
    ) {
        match expect {
            Expect::Number(shape) => {
                if let (Value::Map(entries), Some(o @ Expect::Branch(_))) = (&node.value, other) {
                    // Written in the other edition's form, e.g. （六） as three rows in a 2019 report.
                    self.positions.record(path, node);
                    for (key, kpos, _) in entries {
                        let full = join(path, key);
                        let message = if o.child(key).is_some() {
                            format!(
                                "键 “{full}” 只在 {} 版中存在，本报告为 {} 版",
                                edition.other().as_str(),
                                edition.as_str()
                            )
                        } else {
                            format!("未知的键 “{full}”")
                        };
                        self.error(Rule::OtherEditionKey, &full, *kpos, message)
                            .hint = Some(format!(
                            "{} 版的 “{path}” 应为{}",
                            edition.as_str(),
                            expect.describe()
                        ));
                    }
                    self.invalid.insert(path.to_string());
                    return;
                }
                self.numbers(edition, path, node, shape);
            }
            Expect::Text => {
                if let Some(t) = self.text(path, node) {
                    self.table_texts.insert(path.to_string(), t);
                }
            }
            Expect::Branch(children) => {
                self.positions.record(path, node);
                let Value::Map(entries) = &node.value else {
                    let hint = match other {
                        Some(Expect::Number(_)) => Some(format!(
                            "这是 {} 版的写法；{} 版此处应为{}",
                            edition.other().as_str(),
                            edition.as_str(),
                            expect.describe()
                        )),
                        _ => None,
                    };
                    self.wrong_type(path, node, &expect.describe());
                    if let Some(h) = hint {
                        self.diags.last_mut().expect("just pushed").hint = Some(h);
                    }
                    self.mark_invalid(path, expect);
                    return;
                };
                for (key, kpos, child) in entries {
                    let full = join(path, key);
                    match expect.child(key) {
                        Some(e) => {
                            let o = other.and_then(|o| o.child(key));
                            self.table_node(edition, &full, child, e, o, optional);
                        }
                        None if other.and_then(|o| o.child(key)).is_some() => {
                            self.error(
                                Rule::OtherEditionKey,
                                &full,
                                *kpos,
                                format!(
                                    "键 “{full}” 只在 {} 版中存在，本报告为 {} 版",
                                    edition.other().as_str(),
                                    edition.as_str()
                                ),
                            )
                            .hint = Some(format!(
                                "{} 版此处可用的键：{}",
                                edition.as_str(),
                                children
                                    .iter()
                                    .map(|(k, _)| k.as_str())
                                    .collect::<Vec<_>>()
                                    .join("、")
                            ));
                        }
                        None => {
                            let valid: Vec<&str> =
                                children.iter().map(|(k, _)| k.as_str()).collect();
                            self.unknown_key(path, key, *kpos, &valid);
                        }
                    }
                }
                for (key, child) in children {
                    let required = !optional && !matches!(child, Expect::Text);
                    if required && !entries.iter().any(|(k, _, _)| k == key) {
                        let full = join(path, key);
                        self.error(
                            Rule::MissingKey,
                            &full,
                            node.pos,
                            format!("缺少键 “{full}”"),
                        )
                        .hint = Some(format!("应为{}", child.describe()));
                        self.mark_invalid(&full, child);
                    }
                }
            }
        }
    }

    fn mark_invalid(&mut self, path: &str, expect: &Expect) {
        match expect {
            Expect::Branch(children) => {
                for (k, c) in children {
                    self.mark_invalid(&join(path, k), c);
                }
            }
            _ => {
                self.invalid.insert(path.to_string());
            }
        }
    }

    fn blocks(&mut self, path: &str, node: &Node) -> Option<Vec<Block>> {
        self.positions.record(path, node);
        let items = match &node.value {
            Value::Seq(items) => items,
            Value::Scalar(Scalar::Str(_)) => {
                return self.text(path, node).map(|t| vec![Block::Text(t)]);
            }
            _ => {
                self.wrong_type(path, node, "段落列表");
                return None;
            }
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            match &item.value {
                Value::Map(entries) => {
                    self.positions.record(&p, item);
                    let (mut title, mut text, mut subitems) = (None, None, Vec::new());
                    for (key, kpos, child) in entries {
                        let cp = join(&p, key);
                        match key.as_str() {
                            "title" => title = self.text(&cp, child),
                            "text" => text = self.text(&cp, child),
                            "items" => match &child.value {
                                Value::Seq(list) => {
                                    self.positions.record(&cp, child);
                                    for (j, s) in list.iter().enumerate() {
                                        if let Some(t) = self.text(&format!("{cp}[{j}]"), s) {
                                            subitems.push(t);
                                        }
                                    }
                                }
                                _ => self.wrong_type(&cp, child, "段落列表"),
                            },
                            _ => self.unknown_key(&p, key, *kpos, &["title", "text", "items"]),
                        }
                    }
                    match title {
                        Some(title) => out.push(Block::Item {
                            title,
                            text: text.unwrap_or_default(),
                            items: subitems,
                        }),
                        None if subitems.is_empty() && text.is_some() => {
                            out.push(Block::Text(text.unwrap_or_default()))
                        }
                        None => {
                            self.error(
                                Rule::MissingKey,
                                &join(&p, "title"),
                                item.pos,
                                format!("“{p}” 有分项却缺少 “title”"),
                            )
                            .hint = Some("带编号的段落写作 {title: 标题, text: 正文}".into());
                        }
                    }
                }
                _ => {
                    if let Some(t) = self.text(&p, item) {
                        out.push(Block::Text(t));
                    }
                }
            }
        }
        Some(out)
    }

    fn signature(&mut self, node: &Node) -> Option<Signature> {
        self.positions.record("signature", node);
        let entries = self.map("signature", node)?;
        let (mut organ, mut date, mut date_seen) = (None, None, false);
        for (key, kpos, child) in entries {
            let p = join("signature", key);
            match key.as_str() {
                "organ" => organ = self.text(&p, child),
                "date" => {
                    date_seen = true;
                    date = self.date(&p, child);
                }
                _ => self.unknown_key("signature", key, *kpos, &["organ", "date"]),
            }
        }
        if !date_seen {
            self.error(
                Rule::MissingKey,
                "signature.date",
                node.pos,
                "落款缺少成文日期 “signature.date”".into(),
            );
        }
        Some(Signature { organ, date: date? })
    }

    fn meta(&mut self, node: &Node) -> Option<Meta> {
        self.positions.record("meta", node);
        let entries = self.map("meta", node)?;
        let mut meta = Meta::default();
        for (key, kpos, child) in entries {
            let p = join("meta", key);
            match key.as_str() {
                "doc_number" => meta.doc_number = self.text(&p, child),
                "index_number" => meta.index_number = self.text(&p, child),
                "published" => meta.published = self.date(&p, child),
                "site_name" => meta.site_name = self.text(&p, child),
                "site_domain" => meta.site_domain = self.text(&p, child),
                "site_id_code" => meta.site_id_code = self.text(&p, child),
                "kind" => {
                    if let Some(t) = self.text(&p, child) {
                        meta.kind = OrganKind::parse(&t);
                        if meta.kind.is_none() {
                            self.error(
                                Rule::Type,
                                &p,
                                child.pos,
                                format!("“{p}” 应为 government（人民政府）或 department（部门），实为 “{t}”"),
                            )
                            .hint = Some("人民政府的年报 3 月 31 日前公布，其他机关 1 月 31 日前".into());
                        }
                    }
                }
                "keywords" => match &child.value {
                    Value::Seq(list) => {
                        self.positions.record(&p, child);
                        for (i, k) in list.iter().enumerate() {
                            if let Some(t) = self.text(&format!("{p}[{i}]"), k) {
                                meta.keywords.push(t);
                            }
                        }
                    }
                    _ => self.wrong_type(&p, child, "文本列表"),
                },
                _ => self.unknown_key(
                    "meta",
                    key,
                    *kpos,
                    &[
                        "doc_number",
                        "index_number",
                        "keywords",
                        "published",
                        "kind",
                        "site_name",
                        "site_domain",
                        "site_id_code",
                    ],
                ),
            }
        }
        Some(meta)
    }
}

/// Reads a parsed tree into a report, collecting every problem.
pub fn decode(root: &Node) -> Decoded {
    let mut d = Decoder {
        positions: Positions::default(),
        invalid: HashSet::new(),
        diags: Vec::new(),
        values: BTreeMap::new(),
        table_texts: BTreeMap::new(),
    };
    // A YAML/JSON/TOML file of something else (a configuration file in the folder):
    // one error that says so, not a list of every key it lacks.
    let foreign = match &root.value {
        // Keys that are a report's, or close to one (a misspelled report keeps its
        // did-you-mean hints).
        Value::Map(entries) => {
            !entries.is_empty()
                && !entries.iter().any(|(k, _, _)| {
                    TOP_KEYS.contains(&k.as_str()) || closest(k, TOP_KEYS.iter().copied()).is_some()
                })
        }
        Value::Seq(_) => true,
        Value::Scalar(_) => false,
    };
    if foreign {
        d.error(
            Rule::NotAReport,
            "",
            root.pos,
            "这不是年报数据文件：没有 edition、year、organ 等任何年报数据的键".into(),
        )
        .hint = Some(
            "nianbao 只读取年报数据文件（nianbao init 生成的格式）；其他文件请移出该文件夹".into(),
        );
        return Decoded {
            diags: d.diags,
            ..Decoded::default()
        };
    }
    let Some(entries) = d.map("", root) else {
        return Decoded {
            diags: d.diags,
            ..Decoded::default()
        };
    };
    let get = |k: &str| {
        entries
            .iter()
            .find(|(key, _, _)| key == k)
            .map(|(_, _, n)| n)
    };
    for (key, kpos, _) in entries {
        if !TOP_KEYS.contains(&key.as_str()) {
            d.unknown_key("", key, *kpos, TOP_KEYS);
        }
    }
    let file_pos = root.pos;
    let missing = |d: &mut Decoder, key: &str, what: &str| {
        d.error(
            Rule::MissingKey,
            key,
            file_pos,
            format!("缺少必填的键 “{key}”（{what}）"),
        );
    };

    // edition
    let edition = match get("edition") {
        None => {
            missing(&mut d, "edition", "表格格式：\"2019\" 或 \"2021\"");
            None
        }
        Some(node) => {
            d.positions.record("edition", node);
            let text = match &node.value {
                Value::Scalar(Scalar::Str(s) | Scalar::Int(s)) => s.trim().to_string(),
                _ => String::new(),
            };
            let e = Edition::parse(&text);
            if e.is_none() {
                d.error(
                    Rule::Edition,
                    "edition",
                    node.pos,
                    format!("不支持的表格格式 edition: {text:?}"),
                )
                .hint = Some(
                    "edition 只能是 \"2019\"（国办公开办函〔2019〕60号，2019、2020 年度报告）或 \"2021\"（国办公开办函〔2021〕30号，2021 年度起）".into(),
                );
            }
            e
        }
    };

    // year
    let year = match get("year") {
        None => {
            missing(&mut d, "year", "报告年度");
            None
        }
        Some(node) => d.integer("year", node, Kind::Signed).and_then(|y| {
            if (2019..=2099).contains(&y) {
                Some(y)
            } else {
                d.error(Rule::Year, "year", node.pos, format!("报告年度 {y} 不合理"))
                    .hint =
                    Some("年度应在 2019 至 2099 之间（nianbao 支持 2019 年起的两版格式）".into());
                None
            }
        }),
    };
    if let (Some(e), Some(y), Some(node)) = (edition, year, get("year"))
        && !e.years().contains(&y)
    {
        let right = Edition::ALL.into_iter().find(|x| x.years().contains(&y));
        let d2 = d.error(
            Rule::EditionYear,
            "edition",
            d.positions.get("edition").unwrap_or(node.pos),
            format!(
                "{y} 年度报告不应使用 {} 版表格（{}）",
                e.as_str(),
                e.notice()
            ),
        );
        if let Some(r) = right {
            d2.hint = Some(format!(
                "{y} 年度报告使用 {} 版（{}）",
                r.as_str(),
                r.notice()
            ));
        }
    }

    // organ, title, preamble
    let organ = match get("organ") {
        None => {
            missing(&mut d, "organ", "机关名称");
            None
        }
        Some(node) => d.text("organ", node).and_then(|o| {
            if o.trim().is_empty() {
                d.error(
                    Rule::Type,
                    "organ",
                    node.pos,
                    "机关名称 “organ” 不能为空".into(),
                );
                None
            } else {
                Some(o)
            }
        }),
    };
    let title = get("title").and_then(|n| d.text("title", n));
    let preamble = get("preamble").and_then(|n| d.text("preamble", n));

    // prose sections
    let section = |d: &mut Decoder, key: &str, required: bool| match get(key) {
        Some(node) => d.blocks(key, node),
        None => {
            if required {
                d.error(
                    Rule::MissingKey,
                    key,
                    file_pos,
                    format!("缺少必填的键 “{key}”"),
                );
            }
            None
        }
    };
    let overview = section(&mut d, "overview", true);
    let problems = section(&mut d, "problems", true);
    let other_matters = section(&mut d, "other_matters", false);

    // tables
    if let Some(e) = edition {
        for table in tables::tables(e) {
            let expect = expected_table(e, table.key).expect("table of this edition");
            let other = expected_table(e.other(), table.key);
            match get(table.key) {
                Some(node) => d.table_node(
                    e,
                    table.key,
                    node,
                    &expect,
                    other.as_ref(),
                    table.rows_optional,
                ),
                None => {
                    missing(&mut d, table.key, &format!("表{}", table.number));
                    d.mark_invalid(table.key, &expect);
                }
            }
        }
    } else {
        for t in ["active_disclosure", "applications", "reviews_and_lawsuits"] {
            if let Some(node) = get(t) {
                d.positions.record(t, node);
            }
        }
    }

    let signature = get("signature").and_then(|n| d.signature(n));
    let meta = get("meta").and_then(|n| d.meta(n));
    if let (Some(s), Some(y)) = (&signature, year)
        && i64::from(s.date.year) <= y
    {
        let pos = d.positions.get("signature.date");
        d.diags.push(
            Diagnostic::warning(
                Rule::Date,
                "signature.date",
                format!(
                    "成文日期 {} 不在报告年度 {y} 之后：年度报告应在年度结束后成文",
                    s.date.chinese()
                ),
            )
            .at(pos),
        );
    }

    let report = match (edition, year, organ) {
        (Some(edition), Some(year), Some(organ)) => Some(Report {
            edition,
            year,
            organ,
            title,
            preamble,
            overview: overview.unwrap_or_default(),
            values: std::mem::take(&mut d.values),
            table_texts: std::mem::take(&mut d.table_texts),
            problems: problems.unwrap_or_default(),
            other_matters,
            signature,
            meta,
        }),
        _ => None,
    };
    Decoded {
        report,
        positions: d.positions,
        invalid: d.invalid,
        diags: d.diags,
    }
}
