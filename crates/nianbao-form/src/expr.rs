//! `{{…}}` expressions in the prose: numbers quoted in the text are taken from
//! the tables, so the two cannot disagree.
//!
//! Handlebars syntax, strict: an expression names a value of the report (a
//! data key or a computed total, see [`context`]). An unknown name is an error;
//! helpers, block helpers, partials, decorators and triple-stash are rejected.
//! The result is plain text (no HTML escaping): it is data for the renderers,
//! never markup.

use handlebars::Handlebars;
use handlebars::template::{Parameter, Template, TemplateElement};
use serde_json::{Map, Value as Json, json};

use crate::decode::{Positions, closest};
use crate::diag::{Diagnostic, Pos, Rule};
use crate::model::{Block, Report, Values};
use crate::rules::{APPLICANT_NAMES, Computed, RESULT_NAMES};
use crate::tables::{self, Shape, rows};

fn insert(root: &mut Map<String, Json>, path: &str, value: Json) {
    let mut parts = path.split('.').peekable();
    let mut map = root;
    while let Some(part) = parts.next() {
        if parts.peek().is_none() {
            map.insert(part.to_string(), value);
            return;
        }
        let entry = map
            .entry(part.to_string())
            .or_insert_with(|| Json::Object(Map::new()));
        if !entry.is_object() {
            *entry = Json::Object(Map::new());
        }
        map = entry.as_object_mut().expect("made an object");
    }
}

fn named_row(names: &[&str], row: &[i128]) -> Json {
    Json::Object(
        names
            .iter()
            .zip(row)
            .map(|(n, v)| (n.to_string(), json!(*v as i64)))
            .collect(),
    )
}

/// The values an expression can name: the data keys plus every computed total.
///
/// Rows of tables 三 and 四 are objects with one name per column
/// (`applications.new.natural_person` … `applications.new.total`,
/// `reviews_and_lawsuits.review.upheld` … `.total`); the groups of table 三 get a
/// `subtotal` row (`applications.refused.subtotal.total`);
/// `reviews_and_lawsuits.lawsuits` adds up both kinds of lawsuit.
pub fn context(report: &Report, computed: &Computed) -> Json {
    let mut root = Map::new();
    root.insert("edition".into(), json!(report.edition.as_str()));
    root.insert("year".into(), json!(report.year));
    root.insert("organ".into(), json!(report.organ));
    root.insert("title".into(), json!(report.title()));
    for table in tables::tables(report.edition) {
        for f in table.fields() {
            match (&f.shape, report.values.get(f.path)) {
                (Shape::Row { .. }, _) => {
                    let names = if f.path.starts_with("applications") {
                        APPLICANT_NAMES
                    } else {
                        RESULT_NAMES
                    };
                    insert(&mut root, f.path, named_row(names, &computed.rows[f.path]));
                }
                (Shape::Scalar(_), Some(Values::Int(v))) => insert(&mut root, f.path, json!(v)),
                (Shape::Scalar(_), Some(Values::Money(m))) => insert(&mut root, f.path, json!(m)),
                _ => {}
            }
        }
    }
    for (path, row) in &computed.rows {
        if path.starts_with("applications.")
            && !tables::tables(report.edition)
                .iter()
                .flat_map(|t| t.fields())
                .any(|f| f.path == path)
        {
            insert(
                &mut root,
                &format!("{path}.subtotal"),
                named_row(APPLICANT_NAMES, row),
            );
        }
    }
    let suits: Vec<i128> = (0..RESULT_NAMES.len())
        .map(|j| computed.rows[rows::DIRECT_SUIT][j] + computed.rows[rows::SUIT_AFTER_REVIEW][j])
        .collect();
    insert(
        &mut root,
        "reviews_and_lawsuits.lawsuits",
        named_row(RESULT_NAMES, &suits),
    );
    Json::Object(root)
}

/// Every text of the report that may hold expressions, with its key path.
pub fn texts(report: &Report) -> Vec<(String, &str)> {
    let mut out: Vec<(String, &str)> = Vec::new();
    if let Some(t) = &report.title {
        out.push(("title".into(), t));
    }
    if let Some(p) = &report.preamble {
        out.push(("preamble".into(), p));
    }
    let sections = [
        ("overview", Some(&report.overview)),
        ("problems", Some(&report.problems)),
        ("other_matters", report.other_matters.as_ref()),
    ];
    for (key, blocks) in sections {
        for (i, b) in blocks.into_iter().flatten().enumerate() {
            match b {
                Block::Text(t) => out.push((format!("{key}[{i}]"), t)),
                Block::Item { title, text, items } => {
                    out.push((format!("{key}[{i}].title"), title));
                    out.push((format!("{key}[{i}].text"), text));
                    for (j, it) in items.iter().enumerate() {
                        out.push((format!("{key}[{i}].items[{j}]"), it));
                    }
                }
            }
        }
    }
    out
}

/// Looks a dotted name up in the context; the error says what is wrong, in Chinese.
fn lookup<'a>(ctx: &'a Json, name: &str) -> Result<&'a Json, (String, Option<String>)> {
    if name.contains("..") || name.starts_with('@') || name.contains("../") {
        return Err((
            format!("不支持的名称 “{name}”：只能引用报告数据的名称"),
            None,
        ));
    }
    let mut here = ctx;
    let mut walked = Vec::new();
    for seg in name
        .split(['.', '/'])
        .filter(|s| !s.is_empty() && *s != "this")
    {
        let seg = seg.trim_start_matches('[').trim_end_matches(']');
        let Json::Object(map) = here else {
            return Err((format!("“{}” 不能再往下引用", walked.join(".")), None));
        };
        match map.get(seg) {
            Some(v) => here = v,
            None => {
                walked.push(seg);
                let hint = closest(seg, map.keys().map(String::as_str))
                    .map(|c| {
                        format!("是否想写 “{}”？", {
                            let mut w = walked.clone();
                            w.pop();
                            w.push(c);
                            w.join(".")
                        })
                    })
                    .or_else(|| {
                        Some(format!(
                            "此处可用的名称：{}",
                            map.keys().cloned().collect::<Vec<_>>().join("、")
                        ))
                    });
                return Err((format!("未知的名称 “{}”", walked.join(".")), hint));
            }
        }
        walked.push(seg);
    }
    match here {
        Json::Object(map) => Err((
            format!("“{name}” 不是一个数，而是一组数"),
            map.keys().next().map(|k| {
                format!(
                    "请写明其中一项，如 “{name}.{k}”；可用：{}",
                    map.keys().cloned().collect::<Vec<_>>().join("、")
                )
            }),
        )),
        v => Ok(v),
    }
}

fn check_elements(
    elements: &[TemplateElement],
    mapping: &[handlebars::template::TemplateMapping],
    ctx: &Json,
    problems: &mut Vec<(usize, usize, String, Option<String>)>,
) {
    for (i, el) in elements.iter().enumerate() {
        let (line, col) = mapping.get(i).map_or((1, 1), |m| (m.0, m.1));
        let mut bad = |msg: String, hint: Option<String>| problems.push((line, col, msg, hint));
        match el {
            TemplateElement::RawString(_) | TemplateElement::Comment(_) => {}
            TemplateElement::Expression(h) => {
                let name = h.name.as_name().unwrap_or_default();
                if !h.params.is_empty() || !h.hash.is_empty() {
                    bad(
                        format!("不支持辅助函数 “{name}”"),
                        Some("{{…}} 中只能写数据名称，如 {{applications.new.total}}".into()),
                    );
                } else if !matches!(h.name, Parameter::Path(_) | Parameter::Name(_)) {
                    bad("{{…}} 中只能写数据名称".into(), None);
                } else if let Err((msg, hint)) = lookup(ctx, name) {
                    bad(msg, hint);
                }
            }
            TemplateElement::HtmlExpression(h) => bad(
                format!(
                    "不支持三重花括号 “{{{{{{{}}}}}}}”",
                    h.name.as_name().unwrap_or_default()
                ),
                Some("改用两重花括号 {{…}}".into()),
            ),
            TemplateElement::HelperBlock(h) => bad(
                format!(
                    "不支持块辅助函数 “{{{{#{}}}}}”",
                    h.name.as_name().unwrap_or_default()
                ),
                Some("{{…}} 中只能写数据名称".into()),
            ),
            TemplateElement::PartialExpression(_) | TemplateElement::PartialBlock(_) => bad(
                "不支持局部模板 “{{> …}}”".into(),
                Some("{{…}} 中只能写数据名称".into()),
            ),
            TemplateElement::DecoratorExpression(_) | TemplateElement::DecoratorBlock(_) => bad(
                "不支持装饰器 “{{* …}}”".into(),
                Some("{{…}} 中只能写数据名称".into()),
            ),
            _ => bad(
                "不支持的表达式".into(),
                Some("{{…}} 中只能写数据名称".into()),
            ),
        }
    }
}

/// Where a line of a text lies in the file.
fn file_pos(positions: &Positions, path: &str, line: usize, col: usize) -> Option<Pos> {
    let start = positions.get(path)?;
    if start.sheet.is_some() {
        // A text in a workbook cell: the cell is the place.
        return Some(start);
    }
    let block = usize::from(positions.is_block_text(path));
    Some(if line <= 1 && block == 0 {
        Pos::text(start.line, start.column + col.saturating_sub(1))
    } else {
        Pos::text(start.line + line - 1 + block, col)
    })
}

/// Checks every expression in the report's prose.
pub fn check(report: &Report, computed: &Computed, positions: &Positions) -> Vec<Diagnostic> {
    let ctx = context(report, computed);
    let mut out = Vec::new();
    for (path, text) in texts(report) {
        if !text.contains("{{") {
            continue;
        }
        let mut problems = Vec::new();
        match Template::compile(text) {
            Ok(t) => check_elements(&t.elements, &t.mapping, &ctx, &mut problems),
            Err(e) => {
                let (line, col) = e.pos().unwrap_or((1, 1));
                problems.push((
                    line,
                    col,
                    format!("表达式写法有误：{}", e.reason()),
                    Some("表达式写作 {{名称}}；要写出花括号本身，在前面加反斜杠：\\{{".into()),
                ));
            }
        }
        for (line, col, msg, hint) in problems {
            let mut d = Diagnostic::error(Rule::Expression, &path, msg)
                .at(file_pos(positions, &path, line, col));
            d.hint = hint;
            out.push(d);
        }
    }
    out
}

/// Fills the expressions of checked texts with the report's values.
pub struct Expander {
    registry: Handlebars<'static>,
    context: Json,
}

impl Expander {
    /// An expander for one report, whose totals are `computed`.
    pub fn new(report: &Report, computed: &Computed) -> Self {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        Expander {
            registry,
            context: context(report, computed),
        }
    }

    /// The text with every `{{name}}` replaced; plain text without expressions is returned as is.
    pub fn expand(&self, text: &str) -> Result<String, String> {
        if !text.contains("{{") {
            return Ok(text.to_string());
        }
        self.registry
            .render_template(text, &self.context)
            .map_err(|e| match e.reason() {
                handlebars::RenderErrorReason::MissingVariable(Some(name)) => format!(
                    "正文中的 {{{{{name}}}}} 无法填入：数据中没有这个值（表格数据有错误或缺失）"
                ),
                _ => format!("正文中的表达式无法展开：{e}"),
            })
    }
}
