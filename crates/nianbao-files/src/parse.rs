//! One tree for the three input languages, with the position of every key and value.
//!
//! YAML, JSON and TOML are parsed by maintained parsers that report spans
//! (saphyr-parser, jsonc-parser, toml); each result is turned into a [`Node`]
//! so that the decoder and every diagnostic see one shape and real line numbers.
//! Numbers keep the text they were written with, so money amounts never pass
//! through a binary float.

use std::borrow::Cow;
use std::collections::HashMap;

use nianbao_form::diag::{Diagnostic, Pos, Rule};
use nianbao_form::limits::{self, MAX_DEPTH, MAX_NODES};
use nianbao_form::tree::{Node, Scalar, Value};

/// The input languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `.yaml`, `.yml`
    Yaml,
    /// `.json`
    Json,
    /// `.toml`
    Toml,
}

impl Format {
    /// The format for a file name, by its extension ([`crate::kinds::by_path`]).
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        crate::kinds::by_path(path).and_then(|k| Format::of(k.kind))
    }

    /// The text format that reads a kind of file, if it is one.
    pub fn of(kind: crate::kinds::Kind) -> Option<Format> {
        use crate::kinds::Kind;
        match kind {
            Kind::Yaml => Some(Format::Yaml),
            Kind::Json => Some(Format::Json),
            Kind::Toml => Some(Format::Toml),
            _ => None,
        }
    }

    /// The name users know.
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "YAML",
            Format::Json => "JSON",
            Format::Toml => "TOML",
        }
    }
}

/// Parses a file's text. A syntax error gives no tree, and a diagnostic with its line
/// and column; a key written twice is reported and the first one kept.
pub fn parse(text: &str, format: Format) -> (Option<Node>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let node = match format {
        Format::Yaml => yaml::parse(text, &mut diags),
        Format::Json => json::parse(text, &mut diags),
        Format::Toml => toml_tree::parse(text, &mut diags),
    };
    (node, diags)
}

/// The refusal of a file that goes past one of the [`limits`].
fn limit_error(pos: Pos, message: String) -> Diagnostic {
    Diagnostic::error(Rule::Limit, "", message)
        .at(Some(pos))
        .hint("年报数据文件不会这样大或这样深；请检查文件是否正确，或用 nianbao init 重新生成")
}

fn too_many_nodes(pos: Pos, format: Format) -> Diagnostic {
    let aliases = if format == Format::Yaml {
        "（别名 * 按展开后计）"
    } else {
        ""
    };
    limit_error(
        pos,
        format!("文件中的值超过 {MAX_NODES} 个{aliases}，超出上限，已拒绝读取"),
    )
}

fn too_deep(pos: Pos) -> Diagnostic {
    limit_error(
        pos,
        format!("列表和映射嵌套超过 {MAX_DEPTH} 层，超出上限，已拒绝读取"),
    )
}

/// Counts the values built from a file, against [`MAX_NODES`].
#[derive(Default)]
struct Budget {
    nodes: usize,
    bytes: usize,
}

impl Budget {
    /// Takes `n` values; false when the file goes past the limit.
    fn take(&mut self, n: usize) -> bool {
        self.nodes = self.nodes.saturating_add(n);
        self.nodes <= MAX_NODES
    }

    /// Takes `n` bytes of text; false when the file goes past the limit.
    fn take_bytes(&mut self, n: usize) -> bool {
        self.bytes = self.bytes.saturating_add(n);
        self.bytes <= limits::MAX_EXPANDED_TEXT_BYTES
    }
}

fn syntax_error(format: Format, pos: Pos, detail: &str) -> Diagnostic {
    Diagnostic::error(
        Rule::Syntax,
        "",
        format!("{} 语法错误：{detail}", format.name()),
    )
    .at(Some(pos))
}

/// Builds a map, reporting a key written twice.
fn map_from(entries: Vec<(String, Pos, Node)>, diags: &mut Vec<Diagnostic>) -> Value {
    let mut seen: HashMap<String, Pos> = HashMap::new();
    let mut kept = Vec::with_capacity(entries.len());
    for (key, pos, node) in entries {
        if let Some(first) = seen.get(&key) {
            diags.push(
                Diagnostic::error(
                    Rule::DuplicateKey,
                    key.clone(),
                    format!("键 “{key}” 重复出现（第一次在第 {} 行）", first.line),
                )
                .at(Some(pos))
                .hint("删除或合并重复的键"),
            );
            continue;
        }
        seen.insert(key.clone(), pos);
        kept.push((key, pos, node));
    }
    Value::Map(kept)
}

/// Maps byte offsets to line and column (in characters).
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    /// The last position asked: line, byte offset, column.
    last: std::cell::Cell<(usize, usize, usize)>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex {
            text,
            starts,
            last: std::cell::Cell::new((0, 0, 1)),
        }
    }

    /// The line and column of a byte offset. Columns are counted from the last
    /// offset asked on the same line when it lies before (the converters ask in
    /// file order), so a file of one long line costs linear time, not quadratic.
    fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let (last_line, last_offset, last_column) = self.last.get();
        let (from, base) = if last_line == line && last_offset <= offset {
            (last_offset, last_column)
        } else {
            (start, 1)
        };
        let column = self
            .text
            .get(from..offset)
            .map_or(base, |s| base + s.chars().count());
        self.last.set((line, offset, column));
        Pos::text(line, column)
    }
}

mod yaml {
    use super::*;
    use saphyr_parser::{Event, Parser, ScalarStyle, Span};

    fn pos(span: &Span) -> Pos {
        Pos::text(span.start.line(), span.start.col() + 1)
    }

    /// Resolves a plain scalar by the YAML 1.2 core schema.
    fn resolve(text: &str) -> Scalar {
        match text {
            "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
            "true" | "True" | "TRUE" => return Scalar::Bool(true),
            "false" | "False" | "FALSE" => return Scalar::Bool(false),
            _ => {}
        }
        let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
        if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return Scalar::Int(text.strip_prefix('+').unwrap_or(text).to_string());
        }
        for (prefix, radix) in [("0x", 16), ("0o", 8)] {
            if let Some(digits) = text.strip_prefix(prefix)
                && let Ok(v) = u128::from_str_radix(digits, radix)
            {
                return Scalar::Int(v.to_string());
            }
        }
        let is_float = {
            let mut seen_digit = false;
            let mut ok = true;
            for (i, c) in unsigned.char_indices() {
                match c {
                    '0'..='9' => seen_digit = true,
                    '.' => {}
                    'e' | 'E' => {
                        let rest = &unsigned[i + 1..];
                        let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
                        ok &= !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit());
                        break;
                    }
                    _ => ok = false,
                }
            }
            ok && seen_digit && unsigned.matches('.').count() <= 1
        };
        if is_float
            || matches!(
                unsigned,
                ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
            )
        {
            return Scalar::Float(text.to_string());
        }
        Scalar::Str(text.to_string())
    }

    struct Builder<'a> {
        events: Parser<'a, saphyr_parser::StrInput<'a>>,
        /// Each anchored value, with the number of values and of bytes of text it
        /// holds (an alias to it costs that much: "billion laughs" files repeat one
        /// anchor in nine aliases nine levels deep, or one long text many times).
        anchors: HashMap<usize, (Node, usize, usize)>,
        diags: &'a mut Vec<Diagnostic>,
        budget: Budget,
        depth: usize,
    }

    impl Builder<'_> {
        fn next(&mut self) -> Option<(Event<'static>, Span)> {
            match self.events.next()? {
                Ok((ev, span)) => Some((into_owned(ev), span)),
                Err(e) => {
                    let m = e.marker();
                    self.diags.push(syntax_error(
                        Format::Yaml,
                        Pos::text(m.line(), m.col() + 1),
                        e.info(),
                    ));
                    None
                }
            }
        }

        /// Reads one node whose first event has been read.
        fn node(&mut self, ev: Event<'static>, span: Span) -> Option<Node> {
            let here = pos(&span);
            let (before, before_bytes) = (self.budget.nodes, self.budget.bytes);
            let (cost, bytes) = match &ev {
                Event::Alias(id) => self.anchors.get(id).map_or((1, 0), |a| (a.1, a.2)),
                Event::Scalar(text, ..) => (1, text.len()),
                _ => (1, 0),
            };
            if !self.budget.take(cost) {
                self.diags.push(too_many_nodes(here, Format::Yaml));
                return None;
            }
            if !self.budget.take_bytes(bytes) {
                self.diags.push(limit_error(
                    here,
                    format!(
                        "文件中的文字（别名 * 按展开后计）超过 {}，超出上限，已拒绝读取",
                        crate::error::human_size(limits::MAX_EXPANDED_TEXT_BYTES as u64)
                    ),
                ));
                return None;
            }
            let nested = matches!(ev, Event::SequenceStart(..) | Event::MappingStart(..));
            if nested {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    self.diags.push(too_deep(here));
                    return None;
                }
            }
            let built = self.node_inner(ev, here);
            if nested {
                self.depth -= 1;
            }
            let (node, anchor) = built?;
            if anchor != 0 {
                let size = self.budget.nodes - before;
                let bytes = self.budget.bytes - before_bytes;
                self.anchors.insert(anchor, (node.clone(), size, bytes));
            }
            Some(node)
        }

        /// In a flow list (`[2,008, 411]`) YAML reads `2,008` as two numbers, 2 and 8,
        /// and shifts the row. Where the list separates its items with a comma and a
        /// space, and every pair of items with nothing but a comma between them is a
        /// plain number of 1–3 digits (not starting with 0) followed by one of exactly
        /// three digits, those commas are thousands separators: the items are joined
        /// into the text `2,008`, which the decoder reads as 2008 with a warning naming
        /// the separator. Anything else (`[2,8,411]`, `[5,100,20, 0]`, quoted items) is
        /// left as YAML reads it.
        fn join_thousands(&self, items: Vec<Node>, spans: &[Span]) -> Vec<Node> {
            let n = items.len();
            // A number written as plain digits: its source is exactly its digits.
            let plain = |i: usize, len: std::ops::RangeInclusive<usize>| {
                matches!(&items[i].value, Value::Scalar(Scalar::Int(s))
                    if len.contains(&s.len())
                        && s.bytes().all(|b| b.is_ascii_digit())
                        && spans[i].end.index().saturating_sub(spans[i].start.index()) == s.len())
            };
            // Two items with one character between them: in a flow list, the comma.
            let glued: Vec<bool> = (1..n)
                .map(|i| spans[i].start.index() == spans[i - 1].end.index() + 1)
                .collect();
            if n < 2 || glued.iter().all(|g| *g) || !glued.iter().any(|g| *g) {
                return items;
            }
            let starts_with_zero = |i: usize| matches!(&items[i].value, Value::Scalar(Scalar::Int(s)) if s.starts_with('0'));
            let groups = (1..n).filter(|&i| glued[i - 1]).all(|i| {
                plain(i, 3..=3)
                    && plain(i - 1, 1..=3)
                    && (i < 2 || glued[i - 2] || !starts_with_zero(i - 1))
            });
            if !groups {
                return items;
            }
            let mut out: Vec<Node> = Vec::with_capacity(n);
            for (i, item) in items.into_iter().enumerate() {
                let digits = |n: &Node| match &n.value {
                    Value::Scalar(Scalar::Int(s) | Scalar::Str(s)) => s.clone(),
                    _ => String::new(),
                };
                if i > 0
                    && glued[i - 1]
                    && let Some(prev) = out.last_mut()
                {
                    let text = format!("{},{}", digits(prev), digits(&item));
                    prev.value = Value::Scalar(Scalar::Str(text));
                } else {
                    out.push(item);
                }
            }
            out
        }

        fn node_inner(&mut self, ev: Event<'static>, here: Pos) -> Option<(Node, usize)> {
            Some(match ev {
                Event::Scalar(text, style, anchor, _) => {
                    let scalar = if style == ScalarStyle::Plain {
                        resolve(&text)
                    } else {
                        Scalar::Str(text.into_owned())
                    };
                    let mut n = Node::new(Value::Scalar(scalar), here);
                    n.block_text = matches!(style, ScalarStyle::Literal | ScalarStyle::Folded);
                    (n, anchor)
                }
                Event::Alias(id) => {
                    let Some(anchored) = self.anchors.get(&id) else {
                        self.diags.push(syntax_error(
                            Format::Yaml,
                            here,
                            "别名（*）没有可用的锚点（&）：锚点未定义，或别名在锚点自己的值里",
                        ));
                        return None;
                    };
                    let mut n = anchored.0.clone();
                    n.pos = here;
                    (n, 0)
                }
                Event::SequenceStart(anchor, _) => {
                    let mut items = Vec::new();
                    let mut spans = Vec::new();
                    loop {
                        let (ev, span) = self.next()?;
                        if matches!(ev, Event::SequenceEnd) {
                            break;
                        }
                        spans.push(span);
                        items.push(self.node(ev, span)?);
                    }
                    let items = self.join_thousands(items, &spans);
                    (Node::new(Value::Seq(items), here), anchor)
                }
                Event::MappingStart(anchor, _) => {
                    let mut entries = Vec::new();
                    loop {
                        let (ev, span) = self.next()?;
                        if matches!(ev, Event::MappingEnd) {
                            break;
                        }
                        let key_pos = pos(&span);
                        let key = self.node(ev, span)?;
                        let key = match key.value {
                            Value::Scalar(Scalar::Str(s) | Scalar::Int(s) | Scalar::Float(s)) => s,
                            Value::Scalar(Scalar::Bool(b)) => b.to_string(),
                            Value::Scalar(Scalar::Null) => String::new(),
                            _ => {
                                self.diags.push(syntax_error(
                                    Format::Yaml,
                                    key_pos,
                                    "键必须是文本，不能是列表或映射",
                                ));
                                return None;
                            }
                        };
                        let (ev, span) = self.next()?;
                        let value = self.node(ev, span)?;
                        entries.push((key, key_pos, value));
                    }
                    (Node::new(map_from(entries, self.diags), here), anchor)
                }
                _ => return None,
            })
        }
    }

    fn into_owned(ev: Event<'_>) -> Event<'static> {
        match ev {
            Event::Scalar(t, s, a, _) => Event::Scalar(Cow::Owned(t.into_owned()), s, a, None),
            Event::SequenceStart(a, _) => Event::SequenceStart(a, None),
            Event::MappingStart(a, _) => Event::MappingStart(a, None),
            Event::Alias(a) => Event::Alias(a),
            Event::SequenceEnd => Event::SequenceEnd,
            Event::MappingEnd => Event::MappingEnd,
            Event::StreamStart => Event::StreamStart,
            Event::StreamEnd => Event::StreamEnd,
            Event::DocumentStart(b) => Event::DocumentStart(b),
            Event::DocumentEnd => Event::DocumentEnd,
            Event::Nothing => Event::Nothing,
        }
    }

    pub(super) fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Option<Node> {
        let mut b = Builder {
            events: Parser::new_from_str(text),
            anchors: HashMap::new(),
            diags,
            budget: Budget::default(),
            depth: 0,
        };
        let mut root = None;
        loop {
            let (ev, span) = b.next()?;
            match ev {
                Event::StreamStart | Event::DocumentStart(_) | Event::DocumentEnd => {}
                Event::StreamEnd => break,
                ev => {
                    if root.is_some() {
                        b.diags.push(syntax_error(
                            Format::Yaml,
                            pos(&span),
                            "一个文件只能有一份报告（发现第二个 YAML 文档）",
                        ));
                        return None;
                    }
                    root = Some(b.node(ev, span)?);
                }
            }
        }
        root.or_else(|| Some(Node::new(Value::Scalar(Scalar::Null), Pos::text(1, 1))))
    }
}

mod json {
    use super::*;
    use jsonc_parser::ast;
    use jsonc_parser::{CollectOptions, ParseOptions};

    fn convert(
        v: ast::Value<'_>,
        lines: &LineIndex,
        budget: &mut Budget,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Node> {
        let start = match &v {
            ast::Value::StringLit(s) => s.range.start,
            ast::Value::NumberLit(n) => n.range.start,
            ast::Value::BooleanLit(b) => b.range.start,
            ast::Value::NullKeyword(n) => n.range.start,
            ast::Value::Array(a) => a.range.start,
            ast::Value::Object(o) => o.range.start,
        };
        if !budget.take(1) {
            diags.push(too_many_nodes(lines.pos(start), Format::Json));
            return None;
        }
        let value = match v {
            ast::Value::StringLit(s) => Value::Scalar(Scalar::Str(s.value.into_owned())),
            ast::Value::NumberLit(n) => {
                let raw = n.value;
                Value::Scalar(if raw.contains(['.', 'e', 'E']) {
                    Scalar::Float(raw.to_string())
                } else {
                    Scalar::Int(raw.to_string())
                })
            }
            ast::Value::BooleanLit(b) => Value::Scalar(Scalar::Bool(b.value)),
            ast::Value::NullKeyword(_) => Value::Scalar(Scalar::Null),
            ast::Value::Array(a) => Value::Seq(
                a.elements
                    .into_iter()
                    .map(|e| convert(e, lines, budget, diags))
                    .collect::<Option<_>>()?,
            ),
            ast::Value::Object(o) => {
                let entries = o
                    .properties
                    .into_iter()
                    .map(|p| {
                        let key_pos = lines.pos(p.range.start);
                        let value = convert(p.value, lines, budget, diags)?;
                        Some((p.name.into_string(), key_pos, value))
                    })
                    .collect::<Option<_>>()?;
                map_from(entries, diags)
            }
        };
        Some(Node::new(value, lines.pos(start)))
    }

    pub(super) fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Option<Node> {
        let strict = ParseOptions {
            allow_comments: false,
            allow_loose_object_property_names: false,
            allow_trailing_commas: false,
            allow_missing_commas: false,
            allow_single_quoted_strings: false,
            allow_hexadecimal_numbers: false,
            allow_unary_plus_numbers: false,
            allow_bare_decimal_point_numbers: false,
            allow_non_finite_numbers: false,
            allow_extended_string_escapes: false,
        };
        if let Some((line, column)) = limits::too_deep(text, false) {
            diags.push(super::too_deep(Pos::text(line, column)));
            return None;
        }
        let lines = LineIndex::new(text);
        match jsonc_parser::parse_to_ast(text, &CollectOptions::default(), &strict) {
            Ok(result) => match result.value {
                Some(v) => convert(v, &lines, &mut Budget::default(), diags),
                None => {
                    diags.push(syntax_error(Format::Json, Pos::text(1, 1), "文件是空的"));
                    None
                }
            },
            Err(e) => {
                let pos = Pos::text(e.line_display(), e.column_display());
                diags.push(syntax_error(Format::Json, pos, &e.kind().to_string()));
                None
            }
        }
    }
}

mod toml_tree {
    use super::*;
    use toml::Spanned;
    use toml::de::{DeTable, DeValue};

    fn convert(
        v: Spanned<DeValue<'_>>,
        lines: &LineIndex,
        budget: &mut Budget,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Node> {
        let start = v.span().start;
        if !budget.take(1) {
            diags.push(too_many_nodes(lines.pos(start), Format::Toml));
            return None;
        }
        let value = match v.into_inner() {
            DeValue::String(s) => Value::Scalar(Scalar::Str(s.into_owned())),
            DeValue::Integer(i) => {
                let digits = match i128::from_str_radix(i.as_str(), i.radix()) {
                    Ok(n) => n.to_string(),
                    Err(_) => i.as_str().to_string(),
                };
                Value::Scalar(Scalar::Int(digits))
            }
            DeValue::Float(f) => Value::Scalar(Scalar::Float(f.as_str().to_string())),
            DeValue::Boolean(b) => Value::Scalar(Scalar::Bool(b)),
            DeValue::Datetime(d) => Value::Scalar(Scalar::Str(d.to_string())),
            DeValue::Array(items) => Value::Seq(
                items
                    .into_iter()
                    .map(|item| convert(item, lines, budget, diags))
                    .collect::<Option<_>>()?,
            ),
            DeValue::Table(t) => table(t, lines, budget, diags)?,
        };
        Some(Node::new(value, lines.pos(start)))
    }

    fn table(
        t: DeTable<'_>,
        lines: &LineIndex,
        budget: &mut Budget,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Value> {
        let mut entries: Vec<(usize, String, Pos, Node)> = t
            .into_iter()
            .map(|(k, v)| {
                let offset = k.span().start;
                let node = convert(v, lines, budget, diags)?;
                Some((offset, k.into_inner().into_owned(), lines.pos(offset), node))
            })
            .collect::<Option<_>>()?;
        // The parser's map is sorted by key; the order written is what users see.
        entries.sort_by_key(|e| e.0);
        Some(map_from(
            entries.into_iter().map(|(_, k, p, n)| (k, p, n)).collect(),
            diags,
        ))
    }

    pub(super) fn parse(text: &str, diags: &mut Vec<Diagnostic>) -> Option<Node> {
        if let Some((line, column)) = limits::too_deep(text, true) {
            diags.push(super::too_deep(Pos::text(line, column)));
            return None;
        }
        let lines = LineIndex::new(text);
        let (root, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            for e in errors {
                let pos = lines.pos(e.span().map_or(0, |s| s.start));
                diags.push(syntax_error(Format::Toml, pos, e.message().trim()));
            }
            return None;
        }
        let start = root.span().start;
        let value = table(root.into_inner(), &lines, &mut Budget::default(), diags)?;
        Some(Node::new(value, lines.pos(start)))
    }
}
