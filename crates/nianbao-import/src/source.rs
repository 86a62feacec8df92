//! What every reader gives: the document as paragraphs and tables in reading order,
//! each piece of text with its place in the source, before anything is known about
//! the official form.

use nianbao_form::diag::{Diagnostic, SourcePlace};
use nianbao_form::text;
use serde::{Deserialize, Serialize};

/// The kind of published file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Kind {
    /// A Word document (`.docx`, Office Open XML), from Word or WPS.
    Docx,
    /// A web page (`.html`, `.htm`), in UTF-8 or GBK/GB18030.
    Html,
    /// A PDF with a text layer.
    Pdf,
}

impl Kind {
    /// The name users know.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Docx => "DOCX",
            Kind::Html => "HTML",
            Kind::Pdf => "PDF",
        }
    }
}

/// The `order` of consecutive blocks of a DOCX/HTML document are this far apart; the
/// rows of a table take the orders between ([`crate::limits::MAX_TABLE_ROWS`] fit).
pub const ORDER_STRIDE: usize = 10_000;

/// A run of text with its horizontal extent: a table cell of a DOCX/HTML table
/// (x in grid columns: `x0` = the first column, `x1` = one past the last), or a
/// group of glyphs of a PDF line with no wide gap inside (x in pt from the left
/// edge of the page).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Piece {
    /// The text, with whitespace runs cut to one space and trimmed.
    pub text: String,
    /// Left edge.
    pub x0: f64,
    /// Right edge.
    pub x1: f64,
    /// Where it is.
    pub place: SourcePlace,
}

impl Piece {
    /// The middle of its extent.
    pub fn centre(&self) -> f64 {
        (self.x0 + self.x1) / 2.0
    }
}

/// One row of a table (DOCX/HTML: a `w:tr`/`<tr>`, its merged cells spread over the
/// rows and columns they cover; PDF: one text line of a table region).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Row {
    /// The pieces, left to right. A merged DOCX/HTML cell appears in every row it
    /// covers, once, with `spread` set on the rows after its first.
    pub pieces: Vec<Piece>,
    /// For each piece: whether it is the copy of a cell merged from a row above.
    pub spread: Vec<bool>,
    /// The row's vertical position: PDF baseline in pt from the top of the page,
    /// DOCX/HTML the row index; for ordering and for joining wrapped PDF labels.
    pub y: f64,
    /// PDF: the page (from 1); 0 for DOCX/HTML.
    pub page: u32,
    /// Order in the document, for sorting diagnostics.
    pub order: usize,
}

impl Row {
    /// Adds a DOCX/HTML cell of table `table` (from 1) at grid row `row` and column
    /// `col` (from 0) spanning `span` columns; `spread` when it is the copy of a cell
    /// merged from a row above.
    pub fn push_cell(
        &mut self,
        text: String,
        table: u32,
        row: usize,
        col: usize,
        span: usize,
        spread: bool,
    ) {
        self.pieces.push(Piece {
            text,
            x0: col as f64,
            x1: (col + span) as f64,
            place: SourcePlace {
                table,
                row: row as u32 + 1,
                column: col as u32 + 1,
                ..SourcePlace::default()
            },
        });
        self.spread.push(spread);
    }
}

/// A table as found in the source.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Table {
    /// Its rows, top to bottom.
    pub rows: Vec<Row>,
    /// Whether x is in grid columns (DOCX/HTML) rather than pt (PDF).
    pub grid: bool,
    /// PDF: the horizontal rules drawn on the pages it spans, as (page, y in pt from
    /// the top): the borders between rows, which tell which row a wrapped label's
    /// lines belong to.
    pub rules: Vec<(u32, f64)>,
}

/// A paragraph of text outside tables, its lines joined.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Para {
    /// The text, whitespace between Chinese characters removed.
    pub text: String,
    /// Where it starts.
    pub place: SourcePlace,
    /// Order in the document, for sorting diagnostics.
    pub order: usize,
}

/// A block of the document in reading order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum Block {
    /// A paragraph.
    Para(Para),
    /// A table.
    Table(Table),
}

/// What the page around the report says (the CMS's `<meta>` tags of an HTML page).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PageMeta {
    /// The article's title, when the page names it (`ArticleTitle`, `<title>`, `<h1>`).
    pub title: Option<String>,
    /// The publication date, `YYYY-MM-DD` (`PubDate`).
    pub published: Option<String>,
    /// 网站名称 (`SiteName`).
    pub site_name: Option<String>,
    /// 网站域名 (`SiteDomain`).
    pub site_domain: Option<String>,
    /// 网站标识码 (`SiteIDCode`).
    pub site_id_code: Option<String>,
}

/// A document as a reader gives it.
#[derive(Clone, Debug)]
pub struct Source {
    /// What file it was.
    pub kind: Kind,
    /// Paragraphs and tables in reading order.
    pub blocks: Vec<Block>,
    /// What the page around the report says.
    pub meta: PageMeta,
    /// Problems met while reading (each with its place).
    pub diags: Vec<Diagnostic>,
}

/// Whether a character is Chinese text: a Han character or punctuation of Chinese
/// text (the form crate's classes, [`nianbao_form::text`]).
fn is_chinese(c: char) -> bool {
    text::is_han(c) || text::is_fullwidth_punctuation(c) || text::is_shared_punctuation(c)
}

/// Text as a reader met it, made plain: every run of whitespace (also no-break
/// and full-width spaces) becomes one space, trimmed; a space beside a Chinese
/// character or full-width punctuation is dropped (it is layout: Word's padding,
/// a PDF's justification, the gap before a digit), except before or after a Latin
/// word (和 workflows); one between two Latin letters or digits is kept.
pub fn plain(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_whitespace() || chars[j] == '\u{200b}' || chars[j] == '\u{feff}')
            {
                j += 1;
            }
            let before = out.chars().last();
            let after = chars.get(j).copied();
            if let (Some(b), Some(a)) = (before, after)
                && ((!is_chinese(b) && !is_chinese(a))
                    || (text::is_han(b) && a.is_ascii_alphabetic())
                    || (b.is_ascii_alphabetic() && text::is_han(a)))
            {
                out.push(' ');
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_drops_layout_spaces_and_keeps_latin_ones() {
        assert_eq!(
            plain(" 2024 年，全市\u{a0}共 3119 件 "),
            "2024年，全市共3119件"
        );
        assert_eq!(plain("国令第 711 号"), "国令第711号");
        assert_eq!(plain("Open  Data\u{3000}平台"), "Open Data 平台");
        assert_eq!(
            plain("规章制度和 workflows，逐步"),
            "规章制度和 workflows，逐步"
        );
        assert_eq!(plain("\u{3000}\u{3000}"), "");
    }
}
