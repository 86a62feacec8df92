//! Reading published 政府信息公开工作年度报告 back into nianbao's data: a report as
//! its issuing body published it — a Word document (`.docx`), a portal's web page
//! (`.html`) or a PDF with a text layer — becomes the same [`Decoded`] value that a
//! YAML file gives, so every check runs on it and every diagnostic points into the
//! source (page and line of the PDF; table, row and column or paragraph of the DOCX
//! and HTML).
//!
//! The readers ([`docx`], [`html`], [`pdf`]) turn a file into paragraphs and tables
//! with places ([`source`]); [`structure`] finds the title, the preamble, the six
//! sections and their items; [`recognize`] reads the three official tables by their
//! labels. Nothing here guesses: a row that cannot be found is reported, never
//! filled with zeros.

pub mod docx;
pub mod error;
pub mod html;
pub mod limits;
pub mod pdf;
pub mod recognize;
pub mod source;
pub mod structure;

use std::sync::LazyLock;

use regex::Regex;

use nianbao_form::decode::{self, Decoded};
use nianbao_form::diag::{Diagnostic, Pos, Rule};
use nianbao_form::model::{Block as ProseBlock, Edition};
use nianbao_form::tree::{Node, Scalar, Value};

pub use crate::error::ImportError;
use crate::recognize::Written;
pub use crate::source::Kind;
use crate::source::{Block, Para, Source, Table};

/// Reads a published report of a known kind from its bytes (the kind is decided once,
/// by `nianbao-files`' list of file kinds, from the name and the first bytes).
///
/// # Errors
/// [`ImportError`] when the file cannot be read at all (an encrypted or scanned PDF,
/// a broken file, past a limit). Problems inside a readable file are diagnostics in
/// the [`Decoded`] value.
pub fn read_bytes(bytes: Vec<u8>, kind: Kind) -> Result<Decoded, ImportError> {
    Ok(build(read_source(bytes, kind)?))
}

/// The first half of [`read_bytes`]: the file's bytes parsed into paragraphs and
/// tables with their places ([`Source`]), nothing yet known of the form. This is the
/// part that parses untrusted bytes (PDF objects and streams, a zip package, HTML):
/// `nianbao-files` runs it in a worker process with limits, and [`build`] the rest.
///
/// # Errors
/// As [`read_bytes`].
pub fn read_source(bytes: Vec<u8>, kind: Kind) -> Result<Source, ImportError> {
    match kind {
        Kind::Pdf => pdf::read(bytes),
        Kind::Docx => docx::read(&bytes),
        Kind::Html => html::read(&bytes),
    }
}

fn s(text: impl Into<String>, pos: Pos) -> Node {
    node(Value::Scalar(Scalar::Str(text.into())), pos)
}

fn node(value: Value, pos: Pos) -> Node {
    Node {
        value,
        pos,
        block_text: false,
    }
}

fn para_pos(p: &Para) -> Pos {
    Pos::source(p.order, p.place)
}

/// Inserts `value` at a dotted key path of a map node (maps made on the way).
fn insert(map: &mut Vec<(String, Pos, Node)>, path: &[&str], value: Node) {
    let pos = value.pos;
    let (head, rest) = (path[0], &path[1..]);
    if rest.is_empty() {
        map.push((head.to_string(), pos, value));
        return;
    }
    let i = match map.iter().position(|(k, _, _)| k == head) {
        Some(i) => i,
        None => {
            map.push((head.to_string(), pos, node(Value::Map(Vec::new()), pos)));
            map.len() - 1
        }
    };
    if let Value::Map(inner) = &mut map[i].2.value {
        insert(inner, rest, value);
    }
}

fn prose_node(blocks: &[(ProseBlock, Para)]) -> Node {
    let pos = blocks.first().map(|(_, p)| para_pos(p)).unwrap_or_default();
    let list = blocks
        .iter()
        .map(|(b, p)| {
            let pos = para_pos(p);
            match b {
                ProseBlock::Text(t) => s(t.clone(), pos),
                ProseBlock::Item { title, text, items } => {
                    let mut m = vec![
                        ("title".to_string(), pos, s(title.clone(), pos)),
                        ("text".to_string(), pos, s(text.clone(), pos)),
                    ];
                    if !items.is_empty() {
                        let list = items.iter().map(|i| s(i.clone(), pos)).collect();
                        m.push(("items".to_string(), pos, node(Value::Seq(list), pos)));
                    }
                    node(Value::Map(m), pos)
                }
            }
        })
        .collect();
    node(Value::Seq(list), pos)
}

/// The organ and year a title names: 淮安市人民政府2024年政府信息公开工作年度报告,
/// 2024年淮安市人民政府政府信息公开工作年度报告, 平潭综合实验区2025年度….
pub fn organ_and_year(title: &str) -> (Option<String>, Option<i64>) {
    static TITLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(.*?)((?:19|20)\d{2})\s*年度?(.*)$").expect("title pattern")
    });
    let Some(c) = TITLE.captures(title) else {
        return (None, None);
    };
    let year = c[2].parse().ok();
    let before = c[1].trim().trim_end_matches(['关', '于']).trim();
    let organ = if before.chars().count() >= 2 {
        Some(before.to_string())
    } else {
        let after = c[3].trim();
        after
            .find("政府信息公开")
            .map(|i| after[..i].trim().to_string())
            .filter(|o| o.chars().count() >= 2)
    };
    (organ, year)
}

/// The year most named in a text as 2024年 (the statistics period in the preamble).
fn year_in(text: &str) -> Option<i64> {
    static YEAR: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("year pattern"));
    let mut counts: std::collections::BTreeMap<i64, usize> = Default::default();
    for c in YEAR.captures_iter(text) {
        if let Ok(y) = c[1].parse() {
            *counts.entry(y).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(y, n)| (*n, *y))
        .map(|(y, _)| y)
}

/// Builds the data of a report from what a reader gave, and decodes it as any data
/// file is decoded (every key checked, every position kept).
pub fn build(source: Source) -> Decoded {
    let mut paras: Vec<Para> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    for b in source.blocks {
        match b {
            Block::Para(p) => paras.push(p),
            Block::Table(t) => tables.push(t),
        }
    }
    let prose = structure::prose(&paras);
    let mut diags: Vec<Diagnostic> = source.diags;
    let first = paras.first().map(para_pos).unwrap_or_default();

    let title = prose
        .title
        .as_ref()
        .map(|(t, p)| (t.clone(), para_pos(p)))
        .or_else(|| source.meta.title.clone().map(|t| (t, first)));
    let (mut organ, mut year) = title
        .as_ref()
        .map(|(t, _)| organ_and_year(t))
        .unwrap_or((None, None));
    if year.is_none() {
        let text: String = prose.preamble.iter().map(|p| p.text.as_str()).collect();
        year = year_in(&text).or_else(|| {
            let all: String = paras.iter().map(|p| p.text.as_str()).collect();
            year_in(&all)
        });
    }
    if organ.is_none() {
        organ = prose
            .signature
            .as_ref()
            .and_then(|(s, _)| s.organ.clone())
            .or_else(|| source.meta.site_name.clone());
    }
    let year_edition = year.and_then(|y| Edition::ALL.into_iter().find(|e| e.years().contains(&y)));
    let read = recognize::read(&tables, year_edition);
    let edition = read.edition.or(year_edition);

    let mut root: Vec<(String, Pos, Node)> = Vec::new();
    if let Some(e) = edition {
        root.push(("edition".into(), first, s(e.as_str(), first)));
    }
    if let Some(y) = year {
        let pos = title.as_ref().map_or(first, |t| t.1);
        root.push((
            "year".into(),
            pos,
            node(Value::Scalar(Scalar::Int(y.to_string())), pos),
        ));
    }
    if let Some(o) = &organ {
        let pos = title.as_ref().map_or(first, |t| t.1);
        root.push(("organ".into(), pos, s(o.clone(), pos)));
    }
    if let (Some((t, pos)), Some(o), Some(y)) = (&title, &organ, year)
        && *t != format!("{o}{y}年政府信息公开工作年度报告")
    {
        root.push(("title".into(), *pos, s(t.clone(), *pos)));
    }
    if !prose.preamble.is_empty() {
        let pos = para_pos(&prose.preamble[0]);
        let text: Vec<&str> = prose.preamble.iter().map(|p| p.text.as_str()).collect();
        root.push(("preamble".into(), pos, s(text.join("\n\n"), pos)));
    }
    if !prose.overview.is_empty() {
        let n = prose_node(&prose.overview);
        root.push(("overview".into(), n.pos, n));
    }
    // The tables' numbers.
    let mut rows: Vec<(&'static str, Vec<Option<Node>>, Pos)> = Vec::new();
    let mut tables_map: Vec<(String, Pos, Node)> = Vec::new();
    for v in &read.values {
        let scalar = match &v.value {
            Written::Int(t) => Scalar::Int(t.clone()),
            Written::Decimal(t) => Scalar::Float(t.clone()),
            Written::Text(t) => Scalar::Str(t.clone()),
        };
        let n = node(Value::Scalar(scalar), v.pos);
        match v.index {
            None => {
                let parts: Vec<&str> = v.path.split('.').collect();
                insert(&mut tables_map, &parts, n);
            }
            Some(i) => {
                let entry = match rows.iter().position(|r| r.0 == v.path) {
                    Some(e) => e,
                    None => {
                        rows.push((v.path, Vec::new(), v.pos));
                        rows.len() - 1
                    }
                };
                let list = &mut rows[entry].1;
                if list.len() <= i {
                    list.resize(i + 1, None);
                }
                list[i] = Some(n);
            }
        }
    }
    for (path, list, pos) in rows {
        let items = list
            .into_iter()
            .map(|n| n.unwrap_or_else(|| node(Value::Scalar(Scalar::Null), pos)))
            .collect();
        let parts: Vec<&str> = path.split('.').collect();
        insert(&mut tables_map, &parts, node(Value::Seq(items), pos));
    }
    // The tables in the form's order.
    for key in ["active_disclosure", "applications", "reviews_and_lawsuits"] {
        if let Some(i) = tables_map.iter().position(|(k, _, _)| k == key) {
            root.push(tables_map.remove(i));
        }
    }
    if !prose.problems.is_empty() {
        let n = prose_node(&prose.problems);
        root.push(("problems".into(), n.pos, n));
    }
    if !prose.other_matters.is_empty() {
        let n = prose_node(&prose.other_matters);
        root.push(("other_matters".into(), n.pos, n));
    }
    if let Some((sig, p)) = &prose.signature {
        let pos = para_pos(p);
        let mut m = Vec::new();
        if let Some(o) = &sig.organ
            && Some(o) != organ.as_ref()
        {
            m.push(("organ".to_string(), pos, s(o.clone(), pos)));
        }
        m.push(("date".to_string(), pos, s(sig.date.to_string(), pos)));
        root.push(("signature".into(), pos, node(Value::Map(m), pos)));
    }
    let mut meta = Vec::new();
    for (key, value) in [
        ("published", &source.meta.published),
        ("site_name", &source.meta.site_name),
        ("site_domain", &source.meta.site_domain),
        ("site_id_code", &source.meta.site_id_code),
    ] {
        if let Some(v) = value {
            meta.push((key.to_string(), first, s(v.clone(), first)));
        }
    }
    if !meta.is_empty() {
        root.push(("meta".into(), first, node(Value::Map(meta), first)));
    }

    // What the reader could not place.
    if title.is_none() {
        diags.push(Diagnostic::warning(
            Rule::Import,
            "title",
            "没有找到标题（含“报告”的开头几行），机关名称和年度从正文推断",
        ));
    }
    for p in &prose.dropped {
        let text: String = p.text.chars().take(30).collect();
        diags.push(
            Diagnostic::warning(
                Rule::Import,
                "",
                format!("表格部分中的文字 “{text}…” 在数据中没有对应位置，未读入"),
            )
            .at(Some(para_pos(p))),
        );
    }
    for wanted in [structure::Section::Overview, structure::Section::Problems] {
        if !prose.order.contains(&wanted) {
            let heading = match wanted {
                structure::Section::Overview => "一、总体情况",
                _ => "五、存在的主要问题及改进情况",
            };
            diags.push(Diagnostic::warning(
                Rule::Import,
                "",
                format!("没有找到 “{heading}” 这一部分的标题"),
            ));
        }
    }
    let root = node(Value::Map(root), first);
    let mut decoded = decode::decode(&root);
    diags.extend(read.diags);
    diags.append(&mut decoded.diags);
    decoded.diags = diags;
    decoded
}
