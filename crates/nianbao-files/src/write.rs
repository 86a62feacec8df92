//! Writing report files: YAML (with a Chinese comment naming every row as the
//! official form does), TOML (the same comments) and JSON. Used by `init` for a
//! starting file and by `convert` between the formats.

use nianbao_form::derive;
use nianbao_form::model::{Block, Edition, Report, Values};
use nianbao_form::tables::{self, Content, RowRole, Shape, TableSpec};

use crate::parse::Format;

/// A value to write.
#[derive(Clone, Debug)]
enum Out {
    Str(String),
    Int(i64),
    List(Vec<Out>),
    Map(Vec<Entry>),
}

/// A key, its value and the comments that go with it.
#[derive(Clone, Debug)]
struct Entry {
    key: String,
    value: Out,
    /// A comment on the line(s) before the key.
    before: Option<String>,
    /// A comment at the end of the key's line.
    after: Option<String>,
}

fn entry(key: &str, value: Out) -> Entry {
    Entry {
        key: key.to_string(),
        value,
        before: None,
        after: None,
    }
}

impl Out {
    fn is_scalar(&self) -> bool {
        matches!(self, Out::Str(_) | Out::Int(_))
    }

    /// Written on one line: a list of numbers, or a map of numbers (a row of table 二).
    fn is_inline(&self) -> bool {
        match self {
            Out::List(items) => items.iter().all(|i| matches!(i, Out::Int(_))),
            Out::Map(entries) => entries
                .iter()
                .all(|e| e.value.is_scalar() && e.after.is_none()),
            _ => false,
        }
    }
}

fn blocks(list: &[Block]) -> Out {
    Out::List(
        list.iter()
            .map(|b| match b {
                Block::Text(t) => Out::Str(t.clone()),
                Block::Item { title, text, items } => {
                    let mut e = vec![entry("title", Out::Str(title.clone()))];
                    e.push(entry("text", Out::Str(text.clone())));
                    if !items.is_empty() {
                        e.push(entry(
                            "items",
                            Out::List(items.iter().cloned().map(Out::Str).collect()),
                        ));
                    }
                    Out::Map(e)
                }
            })
            .collect(),
    )
}

/// Inserts `value` at the dotted `rest` below `entries`, creating maps on the way.
fn place(entries: &mut Vec<Entry>, rest: &[&str], value: Entry) {
    if rest.len() == 1 {
        entries.push(Entry {
            key: rest[0].to_string(),
            ..value
        });
        return;
    }
    let i = match entries.iter().position(|e| e.key == rest[0]) {
        Some(i) => i,
        None => {
            entries.push(entry(rest[0], Out::Map(Vec::new())));
            entries.len() - 1
        }
    };
    if let Out::Map(children) = &mut entries[i].value {
        place(children, &rest[1..], value);
    }
}

/// The comment naming a table row: its label, and for a row of several named
/// numbers the column headings in order.
fn row_comment(table: &TableSpec, path: &str, members: &[&str]) -> Option<String> {
    let label = table.label_of(path)?;
    if members.is_empty() {
        return Some(label.to_string());
    }
    let heads: Vec<String> = members
        .iter()
        .map(|m| table.cell_words(&format!("{path}.{m}"), None).1)
        .collect();
    Some(format!("{label}：{}", heads.join(" / ")))
}

fn table_out(report: &Report, table: &TableSpec) -> Out {
    let mut entries: Vec<Entry> = Vec::new();
    let fields = table.fields();
    // Section captions of table 二 go before the first row of their block.
    let mut captions: Vec<(&str, &str)> = Vec::new();
    let mut caption = None;
    for row in &table.rows {
        match row.role {
            RowRole::Section => {
                if let Some(Content::Label { text, .. }) = row.cells.first().map(|c| &c.content) {
                    caption = Some(*text);
                }
            }
            RowRole::Data => {
                if let (Some(c), Some(Content::Label { names: Some(p), .. })) =
                    (caption.take(), row.cells.first().map(|c| &c.content))
                {
                    captions.push((p, c));
                }
            }
            _ => {}
        }
    }
    let depth = |p: &str| p.split('.').count();
    for f in &fields {
        let rest: Vec<&str> = f.path.split('.').skip(1).collect();
        let value = match (report.values.get(f.path), &f.shape) {
            (
                Some(Values::Row {
                    values,
                    given_total,
                }),
                _,
            ) => Out::List(
                values
                    .iter()
                    .chain(given_total.iter())
                    .map(|v| Out::Int(*v))
                    .collect(),
            ),
            (Some(Values::Int(v)), _) => Out::Int(*v),
            (Some(Values::Money(m)), _) => Out::Str(m.clone()),
            // A row of table 三 left out (or a 总计 row not given) stays out: it means zeros.
            (None, Shape::Row { .. }) if table.rows_optional => continue,
            (None, Shape::Row { len, .. }) => Out::List(vec![Out::Int(0); *len]),
            (None, Shape::Scalar(tables::Kind::Money)) => Out::Str("0".into()),
            (None, Shape::Scalar(_)) => Out::Int(0),
        };
        // A member of a row of table 二 (regulations.made): the comment goes on the row.
        let is_member = depth(f.path) == 3 && table.label_of(f.path).is_none();
        let mut e = entry(rest.last().expect("non-empty path"), value);
        if !is_member {
            e.after = row_comment(table, f.path, &[]);
            if let (Shape::Scalar(_), Some(label)) = (&f.shape, table.label_of(f.path)) {
                e.after = Some(format!("{label}：{}", table.cell_words(f.path, None).1));
            }
        }
        place(&mut entries, &rest, e);
    }
    // Comments on rows of named numbers and on groups.
    fn annotate(entries: &mut [Entry], prefix: &str, table: &TableSpec, captions: &[(&str, &str)]) {
        for e in entries.iter_mut() {
            let path = format!("{prefix}.{}", e.key);
            if let Some((_, c)) = captions.iter().find(|(p, _)| *p == path) {
                e.before = Some(c.to_string());
            }
            if let Out::Map(children) = &mut e.value {
                let members: Vec<&str> = children.iter().map(|c| c.key.as_str()).collect();
                if children.iter().all(|c| c.value.is_scalar()) {
                    e.after = row_comment(table, &path, &members);
                } else {
                    e.after = table.label_of(&path).map(str::to_string);
                    annotate(children, &path, table, captions);
                }
            }
        }
    }
    annotate(&mut entries, table.key, table, &captions);
    for key in &table.text_keys {
        if let Some(t) = report.table_texts.get(*key) {
            let rest: Vec<&str> = key.split('.').skip(1).collect();
            place(&mut entries, &rest, entry("", Out::Str(t.clone())));
        }
    }
    if let (Some(first), Some(cols)) = (entries.first_mut(), table.row_columns()) {
        let n = cols.len();
        let mut intro = format!(
            "每行{n}个数依次为：{}；可再加第{}个数（总计），会与各数之和核对。",
            cols.join("、"),
            n + 1
        );
        if table.rows_optional {
            intro.push_str("\n未写的行按全 0 计。");
        }
        first.before = Some(match &first.before {
            Some(b) => format!("{intro}\n{b}"),
            None => intro,
        });
    }
    Out::Map(entries)
}

fn report_out(report: &Report) -> Vec<Entry> {
    let mut top = Vec::new();
    let mut e = entry("edition", Out::Str(report.edition.as_str().into()));
    e.before = Some(format!(
        "表格格式：\"2019\" = {}（2019、2020 年度报告）；\"2021\" = {}（2021 年度起）",
        Edition::Y2019.notice(),
        Edition::Y2021.notice()
    ));
    top.push(e);
    let mut e = entry("year", Out::Int(report.year));
    e.after = Some("报告年度（统计期限：1月1日至12月31日）".into());
    top.push(e);
    let mut e = entry("organ", Out::Str(report.organ.clone()));
    e.after = Some("机关名称".into());
    top.push(e);
    if let Some(t) = &report.title {
        top.push(entry("title", Out::Str(t.clone())));
    }
    if let Some(p) = &report.preamble {
        let mut e = entry("preamble", Out::Str(p.clone()));
        e.before =
            Some("导语（印在“一、总体情况”之前）：编制依据、统计期限、下载地址、联系方式".into());
        top.push(e);
    }
    let mut e = entry("overview", blocks(&report.overview));
    e.before = Some("一、总体情况。带 title 的段落编为（一）（二）……，items 编为 1. 2. ……".into());
    top.push(e);
    for table in tables::tables(report.edition) {
        let mut e = entry(table.key, table_out(report, table));
        e.before = Some(format!("{}、{}", table.number, table.heading));
        top.push(e);
    }
    let mut e = entry("problems", blocks(&report.problems));
    e.before = Some("五、存在的主要问题及改进情况".into());
    top.push(e);
    if let Some(o) = &report.other_matters {
        let mut e = entry("other_matters", blocks(o));
        e.before = Some("六、其他需要报告的事项".into());
        top.push(e);
    }
    if let Some(s) = &report.signature {
        let mut m = Vec::new();
        if let Some(o) = &s.organ {
            m.push(entry("organ", Out::Str(o.clone())));
        }
        m.push(entry("date", Out::Str(s.date.to_string())));
        let mut e = entry("signature", Out::Map(m));
        e.before = Some("落款（只在给出时印出）".into());
        top.push(e);
    }
    if let Some(meta) = &report.meta {
        let mut m = Vec::new();
        if let Some(v) = &meta.doc_number {
            m.push(entry("doc_number", Out::Str(v.clone())));
        }
        if let Some(v) = &meta.index_number {
            m.push(entry("index_number", Out::Str(v.clone())));
        }
        if !meta.keywords.is_empty() {
            m.push(entry(
                "keywords",
                Out::List(meta.keywords.iter().cloned().map(Out::Str).collect()),
            ));
        }
        if let Some(d) = &meta.published {
            m.push(entry("published", Out::Str(d.to_string())));
        }
        if let Some(k) = meta.kind {
            m.push(entry("kind", Out::Str(k.as_str().to_string())));
        }
        for (key, value) in [
            ("site_name", &meta.site_name),
            ("site_domain", &meta.site_domain),
            ("site_id_code", &meta.site_id_code),
        ] {
            if let Some(v) = value {
                m.push(entry(key, Out::Str(v.clone())));
            }
        }
        top.push(entry("meta", Out::Map(m)));
    }
    top
}

/// A string literal valid in JSON, YAML (double-quoted) and TOML (basic string).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn comment_lines(out: &mut String, indent: &str, text: &str) {
    for line in text.lines() {
        out.push_str(&format!("{indent}# {line}\n"));
    }
}

fn trailing(comment: &Option<String>) -> String {
    comment
        .as_ref()
        .map(|c| format!("   # {c}"))
        .unwrap_or_default()
}

// ---------------------------------------------------------------- YAML

fn yaml_inline(v: &Out) -> String {
    match v {
        Out::Str(s) => quote(s),
        Out::Int(i) => i.to_string(),
        Out::List(items) => format!(
            "[{}]",
            items.iter().map(yaml_inline).collect::<Vec<_>>().join(", ")
        ),
        Out::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!("{}: {}", e.key, yaml_inline(&e.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// A YAML literal block when the text has several lines and can be written as one.
fn yaml_text(s: &str, indent: &str) -> String {
    let plain = s.contains('\n')
        && !s.starts_with([' ', '\n'])
        && !s.chars().any(|c| (c as u32) < 0x20 && c != '\n')
        && !s.lines().any(|l| l.ends_with(' '));
    if !plain {
        return quote(s);
    }
    let chomp = if s.ends_with("\n\n") {
        "+"
    } else if s.ends_with('\n') {
        ""
    } else {
        "-"
    };
    let mut out = format!("|{chomp}");
    for line in s.trim_end_matches('\n').split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(indent);
            out.push_str(line);
        }
    }
    out
}

fn yaml_entries(out: &mut String, entries: &[Entry], indent: usize, first_prefix: Option<&str>) {
    let pad = " ".repeat(indent);
    for (i, e) in entries.iter().enumerate() {
        if let Some(b) = &e.before {
            comment_lines(out, &pad, b);
        }
        let lead = match (i, first_prefix) {
            (0, Some(p)) => p.to_string(),
            _ => pad.clone(),
        };
        let inner = " ".repeat(indent + 2);
        match &e.value {
            Out::Str(s) => out.push_str(&format!(
                "{lead}{}: {}{}\n",
                e.key,
                yaml_text(s, &inner),
                trailing(&e.after)
            )),
            v if v.is_scalar() || v.is_inline() => out.push_str(&format!(
                "{lead}{}: {}{}\n",
                e.key,
                yaml_inline(v),
                trailing(&e.after)
            )),
            Out::Map(children) => {
                out.push_str(&format!("{lead}{}:{}\n", e.key, trailing(&e.after)));
                yaml_entries(out, children, indent + 2, None);
            }
            Out::List(items) => {
                out.push_str(&format!("{lead}{}:{}\n", e.key, trailing(&e.after)));
                for item in items {
                    match item {
                        Out::Map(m) => {
                            yaml_entries(out, m, indent + 4, Some(&format!("{inner}- ")))
                        }
                        Out::Str(s) => out.push_str(&format!(
                            "{inner}- {}\n",
                            yaml_text(s, &" ".repeat(indent + 4))
                        )),
                        other => out.push_str(&format!("{inner}- {}\n", yaml_inline(other))),
                    }
                }
                if items.is_empty() {
                    out.truncate(out.trim_end_matches('\n').len());
                    out.push_str(" []\n");
                }
            }
            Out::Int(_) => unreachable!("scalars handled above"),
        }
    }
}

// ---------------------------------------------------------------- TOML

fn toml_inline(v: &Out) -> String {
    match v {
        Out::Str(s) => quote(s),
        Out::Int(i) => i.to_string(),
        Out::List(items) => format!(
            "[{}]",
            items.iter().map(toml_inline).collect::<Vec<_>>().join(", ")
        ),
        Out::Map(entries) => format!(
            "{{ {} }}",
            entries
                .iter()
                .map(|e| format!("{} = {}", e.key, toml_inline(&e.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Key/value lines of a table; nested maps become dotted keys so the order stays as in the form.
fn toml_pairs(out: &mut String, entries: &[Entry], prefix: &str) {
    for e in entries {
        let key = format!("{prefix}{}", e.key);
        if let Some(b) = &e.before {
            comment_lines(out, "", b);
        }
        match &e.value {
            Out::Map(children) if !e.value.is_inline() => {
                if let Some(a) = &e.after {
                    out.push_str(&format!("# {key}：{a}\n"));
                }
                toml_pairs(out, children, &format!("{key}."));
            }
            Out::List(items) if !e.value.is_inline() => {
                out.push_str(&format!("{key} = [{}\n", trailing(&e.after)));
                for item in items {
                    out.push_str(&format!("  {},\n", toml_inline(item)));
                }
                out.push_str("]\n");
            }
            v => out.push_str(&format!(
                "{key} = {}{}\n",
                toml_inline(v),
                trailing(&e.after)
            )),
        }
    }
}

fn to_toml(top: &[Entry]) -> String {
    let mut out = String::new();
    let (scalars, tables): (Vec<&Entry>, Vec<&Entry>) =
        top.iter().partition(|e| e.value.is_scalar());
    for e in scalars {
        toml_pairs(&mut out, std::slice::from_ref(e), "");
    }
    for e in tables {
        out.push('\n');
        if let Some(b) = &e.before {
            comment_lines(&mut out, "", b);
        }
        match &e.value {
            Out::List(items) => {
                // Blocks: each item a table; a plain paragraph is {text = …}.
                for item in items {
                    out.push_str(&format!("[[{}]]\n", e.key));
                    match item {
                        Out::Map(m) => toml_pairs(&mut out, m, ""),
                        other => toml_pairs(&mut out, &[entry("text", other.clone())], ""),
                    }
                }
                if items.is_empty() {
                    out.push_str(&format!("{} = []\n", e.key));
                }
            }
            Out::Map(m) => {
                out.push_str(&format!("[{}]\n", e.key));
                toml_pairs(&mut out, m, "");
            }
            _ => {}
        }
    }
    out
}

// ---------------------------------------------------------------- JSON

fn json_value(out: &mut String, v: &Out, indent: usize) {
    let pad = " ".repeat(indent + 2);
    match v {
        Out::Str(s) => out.push_str(&quote(s)),
        Out::Int(i) => out.push_str(&i.to_string()),
        _ if v.is_inline() => out.push_str(&json_inline(v)),
        Out::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&pad);
                json_value(out, item, indent + 2);
            }
            if !items.is_empty() {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
            out.push(']');
        }
        Out::Map(entries) => {
            out.push('{');
            for (i, e) in entries.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                out.push_str(&format!("{pad}{}: ", quote(&e.key)));
                json_value(out, &e.value, indent + 2);
            }
            if !entries.is_empty() {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
            out.push('}');
        }
    }
}

fn json_inline(v: &Out) -> String {
    match v {
        Out::Str(s) => quote(s),
        Out::Int(i) => i.to_string(),
        Out::List(items) => format!(
            "[{}]",
            items.iter().map(json_inline).collect::<Vec<_>>().join(", ")
        ),
        Out::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!("{}: {}", quote(&e.key), json_inline(&e.value)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// The report as a file in the given format.
pub fn to_string(report: &Report, format: Format) -> String {
    let top = report_out(report);
    // The title is user text: it must not end the comment line it stands on.
    let title: String = report
        .title()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match format {
        Format::Yaml => {
            let mut out = format!("# {title}\n");
            yaml_entries(&mut out, &top, 0, None);
            out
        }
        Format::Toml => format!("# {title}\n{}", to_toml(&top)),
        Format::Json => {
            let mut out = String::new();
            json_value(&mut out, &Out::Map(top), 0);
            out.push('\n');
            out
        }
    }
}

/// The report as published JSON: [`derive::with_totals`], led by `"$schema"` (the data
/// contract's JSON Schema, [`nianbao_form::schema`]).
pub fn published_json(report: &Report, totals: &nianbao_form::rules::Computed) -> String {
    let text = to_string(&derive::with_totals(report, totals), Format::Json);
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("our JSON parses");
    if let Some(map) = value.as_object_mut() {
        let mut with = serde_json::Map::new();
        with.insert(
            "$schema".into(),
            serde_json::Value::String(nianbao_form::schema::id()),
        );
        with.extend(std::mem::take(map));
        *map = with;
    }
    let mut out = serde_json::to_string_pretty(&value).expect("a value serializes");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synthetic_reports_pass_check_when_written_and_read_back() {
        for i in 0..6 {
            for format in [Format::Yaml, Format::Json, Format::Toml] {
                let text = to_string(&nianbao_form::synth::report(i), format);
                let d = crate::read::read_str(&text, format);
                assert_eq!(d.report.as_ref(), Some(&nianbao_form::synth::report(i)));
                let diags = nianbao_form::check::diagnostics(d, None);
                assert!(
                    diags.is_empty(),
                    "report {i} as {}: {diags:#?}",
                    format.name()
                );
            }
        }
    }
}
