//! The build stage: a checked report becomes one document model — title,
//! preamble, sections of paragraphs, run-in items and tables as grids of cells
//! with spans from the one table description — that every renderer draws.

use serde::Serialize;

use nianbao_form::check::Checked;
use nianbao_form::expr::Expander;
use nianbao_form::model::{Block, Report, Values};
use nianbao_form::rules::Computed;
use nianbao_form::tables::{self, Content, RowRole, TableId, TableSpec};

use crate::error::RenderError;
use crate::layout::{self, Layout, Role};
use crate::title;
use crate::units::{self, CLOSING, OPENING};

/// The titles of the prose sections (一、五、六); 二、三、四 come from the table description.
const OVERVIEW: &str = "总体情况";
const PROBLEMS: &str = "存在的主要问题及改进情况";
const OTHER: &str = "其他需要报告的事项";

/// What a table cell shows, for its font and alignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CellKind {
    /// A heading cell of the table's header.
    Head,
    /// A block caption such as 第二十条第（一）项.
    Caption,
    /// A column heading inside the body (信息内容 | …).
    ColumnHead,
    /// A row label.
    Label,
    /// A number.
    Number,
}

/// One cell of a table, at the grid position where it starts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GridCell {
    /// Grid column where it starts.
    pub x: usize,
    /// Grid row where it starts.
    pub y: usize,
    /// The text, cut into pieces that may not be broken across lines (words, with
    /// their punctuation), so that no word is split in a narrow column.
    pub words: Vec<String>,
    /// Grid columns spanned.
    pub colspan: usize,
    /// Grid rows spanned.
    pub rowspan: usize,
    /// What it is.
    pub kind: CellKind,
    /// Whose font prints it: [`Role::Heading`] (黑体) for the heads and captions
    /// of the table, [`Role::Body`] (仿宋) for labels and numbers — decided here
    /// once for the PDF, the DOCX and the glyph check.
    #[serde(serialize_with = "layout::serialize_role")]
    pub role: Role,
    /// Left-aligned (long row labels) rather than centred.
    pub left: bool,
}

impl GridCell {
    /// The cell's text.
    pub fn text(&self) -> String {
        self.words.concat()
    }
}

/// A table as a grid.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct Grid {
    /// Which table (for the renderers' column widths and captions): 二, 三 or 四.
    pub number: &'static str,
    /// Column widths in characters of the table's text (without the cell padding);
    /// `None` takes the rest of the type area.
    pub columns: Vec<Option<f64>>,
    /// The first rows, repeated on every page the table runs over.
    pub header_rows: usize,
    /// Rows of cells.
    pub rows: Vec<Vec<GridCell>>,
    /// Text size, pt.
    pub size_pt: f64,
    /// Inner padding of a cell, pt.
    pub inset_pt: f64,
}

/// A block of a section.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum DocBlock {
    /// A paragraph, indented two characters.
    Para {
        /// The text.
        #[serde(serialize_with = "units::serialize")]
        text: String,
    },
    /// A paragraph opening with a run-in heading in 楷体: （一）标题。正文.
    Lead {
        /// The run-in heading, numbered and closed with 。.
        #[serde(serialize_with = "units::serialize")]
        lead: String,
        /// The text following on the same line.
        #[serde(serialize_with = "units::serialize")]
        text: String,
    },
    /// A table.
    Table(Grid),
}

/// A numbered section.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Section {
    /// The heading, numbered: 一、总体情况.
    pub heading: String,
    /// Its content.
    pub blocks: Vec<DocBlock>,
}

/// The title, and how to break it when it does not fit one line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Title {
    /// The whole title.
    pub text: String,
    /// Its lines, when it takes more than one line of the type area (or a line
    /// break is written in it): cut between words, balanced ([`crate::title`]).
    pub lines: Option<Vec<String>>,
}

/// The 落款.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SignatureBlock {
    /// 发文机关署名.
    pub organ: String,
    /// 成文日期, as printed: 2024年1月18日.
    pub date: String,
}

/// Document metadata (PDF Info/XMP, DOCX core properties).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocMeta {
    /// 题名.
    pub title: String,
    /// 责任者: the issuing body.
    pub author: String,
    /// Subject line.
    pub subject: String,
    /// 主题词.
    pub keywords: Vec<String>,
    /// The document date: the signature date, else 31 December of the year (never the clock).
    pub date: (i32, u8, u8),
    /// 文号, when given.
    pub doc_number: Option<String>,
}

/// The document every renderer draws.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Document {
    /// Metadata.
    pub meta: DocMeta,
    /// Title.
    pub title: Title,
    /// Paragraphs before 一、.
    #[serde(serialize_with = "units::serialize_all")]
    pub preamble: Vec<String>,
    /// 一、 to 六、.
    pub sections: Vec<Section>,
    /// 落款, when given.
    pub signature: Option<SignatureBlock>,
}

/// Chinese numerals for （一）（二）…: 一 to 九十九.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0 => "零".into(),
        1..=9 => DIGITS[n].into(),
        10..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => format!("{}十{}", DIGITS[n / 10], DIGITS[n % 10]),
        _ => n.to_string(),
    }
}

/// Splits a text into paragraphs at blank lines; a single line break inside a
/// paragraph is dropped (Chinese has no spaces between words).
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            let ascii_join = current
                .chars()
                .last()
                .is_some_and(|c| c.is_ascii_alphanumeric())
                && line
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
            if ascii_join {
                current.push(' ');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Cuts a label into pieces that must stay on one line: dictionary words (ICU),
/// with closing punctuation kept on the word before and opening punctuation and
/// item numbers (“1.”) on the word after.
pub fn words(text: &str) -> Vec<String> {
    use icu_segmenter::WordSegmenter;
    use icu_segmenter::options::WordBreakInvariantOptions;
    let segmenter = WordSegmenter::new_auto(WordBreakInvariantOptions::default());
    let breaks: Vec<usize> = segmenter.segment_str(text).collect();
    let mut out: Vec<String> = Vec::new();
    let mut glue_next = false;
    for pair in breaks.windows(2) {
        let piece = &text[pair[0]..pair[1]];
        let closing = piece
            .chars()
            .all(|c| CLOSING.contains(c) || ".)]:,;/".contains(c));
        match out.last_mut() {
            Some(last) if glue_next || closing => last.push_str(piece),
            _ => out.push(piece.to_string()),
        }
        let last = out.last().map(String::as_str).unwrap_or("");
        glue_next = last
            .chars()
            .last()
            .is_some_and(|c| OPENING.contains(c) || "([/".contains(c))
            || (last.ends_with('.')
                && last
                    .trim_end_matches('.')
                    .chars()
                    .all(|c| c.is_ascii_digit()));
    }
    out
}

/// Column widths of a table, in characters of the table's text; `None` takes the rest.
fn column_widths(table: &TableSpec) -> Vec<Option<f64>> {
    match table.id {
        // 本年新制作数量 (7 characters) on one line in the number columns.
        TableId::ActiveDisclosure => vec![None, Some(7.0), Some(7.0), Some(7.0)],
        // 三、本年度办理结果 stands one character wide, （三）不予公开 three; the seven
        // number columns hold four characters, so that 社会公益/组织 and 法律服务/机构
        // break between words; the sub-item labels take the rest.
        TableId::Applications => {
            let mut w = vec![Some(1.0), Some(3.0), None];
            w.extend([Some(4.0); 7]);
            w
        }
        TableId::ReviewsAndLawsuits => vec![None; 15],
    }
}

fn number_text(report: &Report, computed: &Computed, path: &str, index: Option<usize>) -> String {
    match (index, report.values.get(path)) {
        (Some(i), _) if computed.rows.contains_key(path) => computed.rows[path][i].to_string(),
        (None, Some(Values::Int(v))) => v.to_string(),
        (None, Some(Values::Money(m))) => m.clone(),
        // A value that is absent here was rejected by `check`.
        _ => "0".into(),
    }
}

/// A table of the report as a grid of cells with spans.
pub fn grid(report: &Report, computed: &Computed, table: &TableSpec, layout: &Layout) -> Grid {
    let mut rows: Vec<Vec<GridCell>> = vec![Vec::new(); table.rows.len()];
    for placed in table.placed() {
        let (cell, row) = (placed.cell, &table.rows[placed.row]);
        {
            let (text, kind, left) = match &cell.content {
                Content::Label {
                    text, replaced_by, ..
                } => {
                    let text = replaced_by
                        .and_then(|k| report.table_texts.get(k))
                        .map(String::as_str)
                        .unwrap_or(text);
                    let kind = match row.role {
                        RowRole::Header => CellKind::Head,
                        RowRole::Section => CellKind::Caption,
                        RowRole::ColumnHeads => CellKind::ColumnHead,
                        RowRole::Data => CellKind::Label,
                    };
                    let left = kind == CellKind::Label
                        && table.id == TableId::Applications
                        && cell.rowspan == 1;
                    (text.to_string(), kind, left)
                }
                Content::Value { path, index, .. } => (
                    number_text(report, computed, path, *index),
                    CellKind::Number,
                    false,
                ),
            };
            rows[placed.row].push(GridCell {
                x: placed.col,
                y: placed.row,
                words: words(&text),
                colspan: cell.colspan,
                rowspan: cell.rowspan,
                kind,
                role: match kind {
                    CellKind::Head | CellKind::Caption | CellKind::ColumnHead => Role::Heading,
                    CellKind::Label | CellKind::Number => Role::Body,
                },
                left,
            });
        }
    }
    let inset_pt = match table.id {
        TableId::ReviewsAndLawsuits => 1.5,
        _ => 2.0,
    };
    Grid {
        number: table.number,
        columns: column_widths(table),
        header_rows: table.header_rows(),
        rows,
        size_pt: layout.table_size_pt,
        inset_pt,
    }
}

fn prose(blocks: &[Block], x: &Expander) -> Result<Vec<DocBlock>, RenderError> {
    let expand = |t: &str| x.expand(t).map_err(RenderError::Expression);
    let mut out = Vec::new();
    let mut n = 0;
    for b in blocks {
        match b {
            Block::Text(t) => {
                for p in paragraphs(&expand(t)?) {
                    out.push(DocBlock::Para { text: p });
                }
            }
            Block::Item { title, text, items } => {
                n += 1;
                let title = expand(title)?;
                let stop = if title.ends_with(['。', '？', '！', '：', '；']) {
                    ""
                } else {
                    "。"
                };
                let mut paras = paragraphs(&expand(text)?).into_iter();
                out.push(DocBlock::Lead {
                    lead: format!("（{}）{title}{stop}", chinese_number(n)),
                    text: paras.next().unwrap_or_default(),
                });
                out.extend(paras.map(|text| DocBlock::Para { text }));
                for (i, item) in items.iter().enumerate() {
                    for (j, p) in paragraphs(&expand(item)?).into_iter().enumerate() {
                        let text = if j == 0 { format!("{}.{p}", i + 1) } else { p };
                        out.push(DocBlock::Para { text });
                    }
                }
            }
        }
    }
    Ok(out)
}

/// Builds the document of a checked report, from its data and the totals computed
/// when it was checked.
///
/// # Errors
/// Only [`RenderError::Expression`]: an expression of the prose that cannot be
/// filled in (which the check reports first, as an `expression` diagnostic).
pub fn build(checked: &Checked) -> Result<Document, RenderError> {
    let (report, computed) = (&checked.report, &checked.totals);
    let layout = layout::gbt9704();
    let x = Expander::new(report, computed);
    let expand = |t: &str| x.expand(t).map_err(RenderError::Expression);
    let title_text = expand(&report.title())?;
    let capacity = layout.type_area_mm.0 * 72.0 / 25.4 / layout.title_size_pt;
    let lines = title::lines(&title_text, &report.organ, capacity);
    let title = Title {
        text: title::join(&lines),
        lines: (lines.len() > 1).then_some(lines),
    };
    let mut sections = vec![Section {
        heading: format!("一、{OVERVIEW}"),
        blocks: prose(&report.overview, &x)?,
    }];
    for table in tables::tables(report.edition) {
        sections.push(Section {
            heading: format!("{}、{}", table.number, table.heading),
            blocks: vec![DocBlock::Table(grid(report, computed, table, &layout))],
        });
    }
    sections.push(Section {
        heading: format!("五、{PROBLEMS}"),
        blocks: prose(&report.problems, &x)?,
    });
    let other = match &report.other_matters {
        Some(blocks) => prose(blocks, &x)?,
        None => vec![DocBlock::Para {
            text: "无。".into(),
        }],
    };
    sections.push(Section {
        heading: format!("六、{OTHER}"),
        blocks: other,
    });
    let preamble = match &report.preamble {
        Some(p) => paragraphs(&expand(p)?),
        None => Vec::new(),
    };
    let signature = report.signature.as_ref().map(|s| SignatureBlock {
        organ: s.organ.clone().unwrap_or_else(|| report.organ.clone()),
        date: s.date.chinese(),
    });
    let date = report
        .signature
        .as_ref()
        .map(|s| (s.date.year, s.date.month, s.date.day))
        .unwrap_or((report.year as i32, 12, 31));
    let meta = report.meta.clone().unwrap_or_default();
    let mut keywords = if meta.keywords.is_empty() {
        vec!["政府信息公开".to_string(), "年度报告".to_string()]
    } else {
        meta.keywords.clone()
    };
    if let Some(n) = &meta.doc_number {
        keywords.push(n.clone());
    }
    let mut doc = Document {
        meta: DocMeta {
            title: title.text.clone(),
            author: report.organ.clone(),
            subject: format!(
                "{}{}年度政府信息公开工作年度报告（{}版表格，{}）",
                report.organ,
                report.year,
                report.edition.as_str(),
                report.edition.notice()
            ),
            keywords,
            date,
            doc_number: meta.doc_number,
        },
        title,
        preamble,
        sections,
        signature,
    };
    // Control characters have no place in a printed report, and XML forbids most of them.
    doc.for_each_text(|_, text| {
        if text.chars().any(char::is_control) {
            *text = text
                .chars()
                .filter_map(|c| match c {
                    '\t' => Some(' '),
                    c if c.is_control() => None,
                    c => Some(c),
                })
                .collect();
        }
    });
    Ok(doc)
}

impl Document {
    /// Visits every printed text with the role whose font prints it.
    pub fn for_each_text(&mut self, mut f: impl FnMut(Role, &mut String)) {
        f(Role::Title, &mut self.title.text);
        for line in self.title.lines.iter_mut().flatten() {
            f(Role::Title, line);
        }
        for p in &mut self.preamble {
            f(Role::Body, p);
        }
        for s in &mut self.sections {
            f(Role::Heading, &mut s.heading);
            for b in &mut s.blocks {
                match b {
                    DocBlock::Para { text } => f(Role::Body, text),
                    DocBlock::Lead { lead, text } => {
                        f(Role::Lead, lead);
                        f(Role::Body, text);
                    }
                    DocBlock::Table(g) => {
                        for cell in g.rows.iter_mut().flatten() {
                            for w in &mut cell.words {
                                f(cell.role, w);
                            }
                        }
                    }
                }
            }
        }
        if let Some(s) = &mut self.signature {
            f(Role::Body, &mut s.organ);
            f(Role::Body, &mut s.date);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_break_only_between_words() {
        assert_eq!(words("社会公益组织"), vec!["社会", "公益", "组织"]);
        let w = words("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请");
        assert!(w[0].starts_with("1.") && w[0].len() > 2, "{w:?}");
        assert!(w.iter().any(|x| x.ends_with("正、")), "{w:?}");
        assert!(!w.iter().any(|x| x.starts_with('、')), "{w:?}");
        assert!(w.contains(&"正当理由".to_string()), "{w:?}");
        assert_eq!(words("（二）部分公开").concat(), "（二）部分公开");
        assert!(!words("（二）部分公开")[0].ends_with('（'));
        assert_eq!(words("3985758"), vec!["3985758"]);
    }

    #[test]
    fn chinese_numbers() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(21), "二十一");
    }

    #[test]
    fn paragraphs_split_at_blank_lines() {
        assert_eq!(paragraphs("甲\n乙\n\n丙"), vec!["甲乙", "丙"]);
        assert_eq!(paragraphs("open\ndata"), vec!["open data"]);
    }
}
