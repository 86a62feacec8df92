//! The text of a PDF paragraph, cut into what the template boxes.
//!
//! Punctuation counts as a full character (GB/T 9704): the template sets each
//! mark in a box one character wide, so that Typst's punctuation compression
//! cannot apply, and keeps a mark in one box with the character it belongs to,
//! so that no line starts with a closing mark or ends with an opening one. The
//! cutting is done here once, with the same regular expression and grapheme
//! clusters Typst would use, instead of by a regex show rule in the template,
//! which Typst's realization applies match by match (7 % of the layout).
//!
//! The document serialises every paragraph's text through [`serialize`]: a
//! list of segments, each a string set as it is, or a unit `{u: cells, w}`
//! whose cells are a string (set as it is) or a one-character box, `{o: …}`
//! for an opening mark (right-aligned), `{c: …}` for a closing mark
//! (left-aligned), `{h: …}` for a Chinese character. `w` is set when every
//! cell is a box: the text run before the unit ends with a glyph that keeps its
//! whole advance (Typst adds tracking only between glyphs of a run), so the
//! template gives that back after such a unit.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Serialize, Serializer};
use unicode_segmentation::UnicodeSegmentation;

/// Opening punctuation: may start a line, never ends one (GB/T 15834 禁则).
pub const OPENING: &str = "“‘《〈（『「【〖〔［｛";
/// Closing punctuation: may end a line, never starts one.
pub const CLOSING: &str = "”’，．。、：；》〉）』」】〗〕］｝？！";

/// A unit: one or more opening marks with the base after them and any
/// closing marks, or a base followed by closing marks. A base is a run of
/// Latin letters and digits (with `- / : . %`, so that a telephone number or a
/// date is never cut at its hyphen) with the character after it, or a single
/// character.
static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    let latin = r"A-Za-z0-9.%/:\-";
    let base = format!(r"(?:[{latin}]+[^\s{latin}{OPENING}{CLOSING}]?|[^\s{OPENING}{CLOSING}])");
    Regex::new(&format!(
        "[{OPENING}]+{base}?[{CLOSING}]*|{base}[{CLOSING}]+"
    ))
    .expect("the unit pattern is valid")
});

static HAN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\p{Han}").expect("the Han pattern is valid"));

/// A piece of a paragraph.
#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Segment<'a> {
    /// Text set as it is.
    Text(&'a str),
    /// A unit, kept on one line.
    Unit {
        /// Its cells.
        u: Vec<Cell<'a>>,
        /// Every cell is a box.
        w: bool,
    },
}

/// A grapheme cluster of a unit.
#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell<'a> {
    /// Set as it is (a Latin letter or digit).
    Plain(&'a str),
    /// An opening mark, in a box one character wide, at its right.
    Open {
        /// The mark.
        o: &'a str,
    },
    /// A closing mark, in a box one character wide, at its left.
    Close {
        /// The mark.
        c: &'a str,
    },
    /// A Chinese character, in a box one character wide.
    Han {
        /// The character.
        h: &'a str,
    },
}

impl Cell<'_> {
    fn boxed(&self) -> bool {
        !matches!(self, Cell::Plain(_))
    }
}

fn cell(c: &str) -> Cell<'_> {
    if OPENING.contains(c) {
        Cell::Open { o: c }
    } else if CLOSING.contains(c) {
        Cell::Close { c }
    } else if HAN.is_match(c) {
        Cell::Han { h: c }
    } else {
        Cell::Plain(c)
    }
}

/// Cuts a paragraph's text into segments.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut at = 0;
    for m in UNIT.find_iter(text) {
        if m.start() > at {
            out.push(Segment::Text(&text[at..m.start()]));
        }
        let u: Vec<Cell> = m.as_str().graphemes(true).map(cell).collect();
        let w = u.iter().all(Cell::boxed);
        out.push(Segment::Unit { u, w });
        at = m.end();
    }
    if at < text.len() {
        out.push(Segment::Text(&text[at..]));
    }
    out
}

/// Serialises a paragraph's text as its [`segments`].
pub fn serialize<S: Serializer>(text: &str, s: S) -> Result<S::Ok, S::Error> {
    segments(text).serialize(s)
}

/// Serialises paragraphs' texts as their [`segments`].
pub fn serialize_all<S: Serializer>(texts: &[String], s: S) -> Result<S::Ok, S::Error> {
    let all: Vec<Vec<Segment>> = texts.iter().map(|t| segments(t)).collect();
    all.serialize(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> String {
        segments(text)
            .iter()
            .map(|s| match s {
                Segment::Text(t) => t.to_string(),
                Segment::Unit { u, w } => {
                    let cells: String = u
                        .iter()
                        .map(|c| match c {
                            Cell::Plain(t) => t.to_string(),
                            Cell::Open { o } => format!("o{o}"),
                            Cell::Close { c } => format!("c{c}"),
                            Cell::Han { h } => format!("h{h}"),
                        })
                        .collect::<Vec<_>>()
                        .join(" ");
                    format!("[{cells}{}]", if *w { " w" } else { "" })
                }
            })
            .collect()
    }

    #[test]
    fn marks_stay_with_their_characters() {
        assert_eq!(show("公开，主动"), "公[h开 c， w]主动");
        assert_eq!(show("见《条例》。"), "见[o《 h条 w][h例 c》 c。 w]");
    }

    #[test]
    fn latin_runs_and_dates_are_one_unit() {
        // A telephone number and the character after it, then the closing mark.
        assert_eq!(
            show("电话0370-1234567。"),
            "电话[0 3 7 0 - 1 2 3 4 5 6 7 c。]"
        );
        assert_eq!(show("2020年"), "2020年");
        assert_eq!(show("（2020年）"), "[o（ 2 0 2 0 h年 c）]");
    }

    #[test]
    fn text_without_marks_is_one_string() {
        assert_eq!(
            segments("主动公开政府信息"),
            vec![Segment::Text("主动公开政府信息")]
        );
        assert_eq!(segments(""), vec![]);
    }
}
