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

/// A run of Latin text at least this many characters long (an e-mail address, a
/// URL, a long identifier) may break inside, at [`latin_breaks`]: shorter runs
/// (`GB/T`, a telephone number, a date) stay whole.
pub const LONG_LATIN: usize = 16;

/// Within a long Latin run, a stretch longer than this many characters with no
/// sensible break point in it may break after any character, so that no run can
/// be wider than the line (28 cells hold about 50 Latin letters).
pub const MAX_UNBROKEN: usize = 24;

/// Characters after which a long Latin run may break: an address's `@`, a domain's
/// or a file name's `.`, a path's `/`, `-`, `_`, and a query's `?`, `&`, `=`, `#`.
const BREAK_AFTER: &[char] = &['@', '.', '/', '-', '_', '?', '&', '=', '#'];

/// The byte offsets in `text` at which a line may break inside its long Latin runs
/// (runs of ASCII letters, digits and symbols of at least [`LONG_LATIN`]
/// characters): after each of `@ . / - _ ? & = #`, and after every character of a
/// stretch longer than [`MAX_UNBROKEN`] that has none. Never at a run's ends (the
/// text around decides there). The PDF and the DOCX break at the same points.
///
/// ```
/// use nianbao_render::units::latin_breaks;
/// let t = "发送至xinxigongkaiban@qinghe.gov.cn联系";
/// let at: Vec<&str> = latin_breaks(t).iter().map(|&i| &t[..i]).collect();
/// assert_eq!(at.last().unwrap(), &"发送至xinxigongkaiban@qinghe.gov.");
/// assert!(latin_breaks("依据GB/T 9704-2012").is_empty());
/// ```
pub fn latin_breaks(text: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_ascii_graphic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].1.is_ascii_graphic() {
            i += 1;
        }
        let run = &chars[start..i];
        if run.len() < LONG_LATIN {
            continue;
        }
        let end_byte = |k: usize| run[k].0 + run[k].1.len_utf8();
        let mut points: Vec<usize> = (0..run.len() - 1)
            .filter(|&k| BREAK_AFTER.contains(&run[k].1))
            .collect();
        // Stretches without a point: a point after every character.
        let mut bounds = vec![None];
        bounds.extend(points.iter().copied().map(Some));
        bounds.push(Some(run.len() - 1));
        let mut extra = Vec::new();
        for w in bounds.windows(2) {
            let from = w[0].map_or(0, |k| k + 1);
            let to = w[1].unwrap_or(0);
            if to + 1 - from > MAX_UNBROKEN {
                extra.extend(from..to);
            }
        }
        points.extend(extra);
        points.sort_unstable();
        points.dedup();
        out.extend(points.into_iter().map(end_byte));
    }
    out
}

/// A piece of a paragraph.
#[derive(Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Segment<'a> {
    /// Text set as it is.
    Text(&'a str),
    /// A place where the line may break inside a long Latin run (serialised as
    /// `null`; the template sets a zero-width break opportunity).
    Break,
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

/// Pushes `text[from..to]` as text, cut at the break points within it.
fn push_text<'a>(
    out: &mut Vec<Segment<'a>>,
    text: &'a str,
    from: usize,
    to: usize,
    breaks: &[usize],
) {
    let mut at = from;
    let first = breaks.partition_point(|&b| b <= from);
    let last = breaks.partition_point(|&b| b < to);
    for &b in &breaks[first..last.max(first)] {
        out.push(Segment::Text(&text[at..b]));
        out.push(Segment::Break);
        at = b;
    }
    if to > at {
        out.push(Segment::Text(&text[at..to]));
    }
}

/// Cuts a paragraph's text into segments. A unit that holds break points of a long
/// Latin run (a URL just before “）”) keeps only what follows the last of them: the
/// rest is text that may break.
pub fn segments(text: &str) -> Vec<Segment<'_>> {
    let breaks = latin_breaks(text);
    let mut out = Vec::new();
    let mut at = 0;
    for m in UNIT.find_iter(text) {
        let inside = breaks.partition_point(|&b| b < m.end());
        let start = match breaks[..inside].last().filter(|&&b| b > m.start()) {
            Some(&last) => {
                push_text(&mut out, text, at, last, &breaks);
                out.push(Segment::Break);
                last
            }
            None => {
                push_text(&mut out, text, at, m.start(), &breaks);
                m.start()
            }
        };
        let u: Vec<Cell> = text[start..m.end()].graphemes(true).map(cell).collect();
        let w = u.iter().all(Cell::boxed);
        out.push(Segment::Unit { u, w });
        at = m.end();
    }
    push_text(&mut out, text, at, text.len(), &breaks);
    out
}

/// The text with a zero-width space (U+200B) at each of its [`latin_breaks`]: how
/// the DOCX lets Word, WPS and LibreOffice break a long e-mail address or URL at
/// the same points as the PDF.
pub fn with_break_opportunities(text: &str) -> std::borrow::Cow<'_, str> {
    let breaks = latin_breaks(text);
    if breaks.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 3 * breaks.len());
    let mut at = 0;
    for b in breaks {
        out.push_str(&text[at..b]);
        out.push('\u{200B}');
        at = b;
    }
    out.push_str(&text[at..]);
    std::borrow::Cow::Owned(out)
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
                Segment::Break => "|".to_string(),
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
    fn long_latin_runs_break_at_sensible_points() {
        assert_eq!(
            show("请发送至xinxigongkaiban@qinghe.gov.cn联系"),
            "请发送至xinxigongkaiban@|qinghe.|gov.|cn联系"
        );
        // A run just before a closing mark: the unit keeps the last piece.
        assert_eq!(
            show("见www.qinghe.gov.cn/col/index.html）"),
            "见www.|qinghe.|gov.|cn/|col/|index.|[h t m l c）]"
        );
        // A stretch of more than MAX_UNBROKEN characters with no point breaks anywhere.
        let id = "a".repeat(MAX_UNBROKEN + 2);
        assert_eq!(latin_breaks(&id).len(), MAX_UNBROKEN + 1);
        // Short runs are not touched.
        assert_eq!(
            show("电话0370-1234567。"),
            "电话[0 3 7 0 - 1 2 3 4 5 6 7 c。]"
        );
        assert_eq!(
            with_break_opportunities("至ab@cdefghijklmnopq.cn"),
            "至ab@\u{200B}cdefghijklmnopq.\u{200B}cn"
        );
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
