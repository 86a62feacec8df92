//! Reading a PDF's text layer with positions (hayro, the pure-Rust PDF interpreter
//! of a Typst author: every glyph with its Unicode value and its place on the page),
//! then rebuilding text lines by baseline, pieces of a line by the gaps between
//! glyphs, paragraphs by indent and line length, and table rows from the lines of a
//! table region (the table recogniser reads columns by the header's positions).

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache,
    InterpreterSettings, Paint, PathDrawMode, SoftMask, TransformExt, interpret_page,
};
use kurbo::{Affine, BezPath, Point, Rect, Shape};
use nianbao_form::diag::SourcePlace;

use crate::error::ImportError;
use crate::limits;
use crate::source::{Block, Kind, PageMeta, Para, Piece, Row, Source, Table, plain};
use crate::structure::{is_heading_line, is_table_heading};

/// One glyph as drawn: its text, left and right edge and baseline (pt, y from the
/// top of the page) and em size (pt).
#[derive(Clone, Debug)]
struct Glyf {
    text: String,
    x0: f64,
    x1: f64,
    y: f64,
    size: f64,
}

/// The page is interpreted with its initial transform (rotation, crop box, y down),
/// so positions are in pt from the top left of the page as displayed.
struct Collector {
    glyphs: Vec<Glyf>,
    unmapped: usize,
    /// Horizontal rules: y from the top of the page, in pt.
    rules: Vec<f64>,
}

impl Device<'_> for Collector {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'_>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, path: &BezPath, transform: Affine, _: &Paint<'_>, _: &PathDrawMode) {
        if self.rules.len() >= limits::MAX_PDF_RULES {
            return;
        }
        // A table border: a line or a thin rectangle, wider than tall.
        let bbox = (transform * path.clone()).bounding_box();
        if bbox.height() <= 2.0 && bbox.width() >= 8.0 {
            self.rules.push((bbox.y0 + bbox.y1) / 2.0);
        }
    }
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'_>>, _: BlendMode) {}
    fn draw_glyph(
        &mut self,
        glyph: &Glyph<'_>,
        transform: Affine,
        glyph_transform: Affine,
        _: &Paint<'_>,
        _: &GlyphDrawMode,
    ) {
        if self.glyphs.len() >= limits::MAX_PDF_GLYPHS {
            return;
        }
        let m = transform * glyph_transform;
        let c = m.as_coeffs();
        // Rotated or skewed text (a stamp, a margin note) is not part of the report.
        if c[1].abs() > 1e-6 || c[2].abs() > 1e-6 {
            return;
        }
        let Some(text) = glyph.as_unicode() else {
            self.unmapped += 1;
            return;
        };
        let text = match text {
            hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
            hayro_interpret::hayro_cmap::BfString::String(s) => s,
        };
        // Glyph space is 1000 units to the em.
        let size = (c[3] * 1000.0).abs();
        let advance = match glyph {
            Glyph::Outline(g) => g.advance_width().map(f64::from),
            Glyph::Type3(_) => None,
        }
        .unwrap_or(500.0);
        let origin = m * Point::new(0.0, 0.0);
        let x1 = origin.x + advance * c[0];
        let (x0, x1) = if x1 >= origin.x {
            (origin.x, x1)
        } else {
            (x1, origin.x)
        };
        self.glyphs.push(Glyf {
            text,
            x0,
            x1,
            y: origin.y,
            size: if size > 0.1 { size } else { 10.0 },
        });
    }
    fn draw_image(&mut self, _: Image<'_, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// A text line of a page: its pieces, baseline, extent and em size.
#[derive(Clone, Debug)]
struct Line {
    pieces: Vec<Piece>,
    y: f64,
    x0: f64,
    x1: f64,
    size: f64,
    page: u32,
    number: u32,
    /// Whether a space was drawn after its last glyph.
    trailing_space: bool,
}

impl Line {
    fn text(&self) -> String {
        let joined: Vec<&str> = self.pieces.iter().map(|p| p.text.as_str()).collect();
        plain(&joined.join(" "))
    }
}

/// Reads the text layer of a PDF.
///
/// # Errors
/// [`ImportError::Encrypted`] for a PDF that needs a password, [`ImportError::Malformed`]
/// for one that cannot be parsed, [`ImportError::NoText`] for a scan (no text layer),
/// [`ImportError::TooLarge`] past [`limits::MAX_PDF_PAGES`].
pub fn read(bytes: Vec<u8>) -> Result<Source, ImportError> {
    // hayro is maintained and fuzzed, but a server reads untrusted PDFs: a panic in the
    // interpreter is this file's error, not the process's end.
    std::panic::catch_unwind(move || read_unguarded(bytes))
        .unwrap_or_else(|_| Err(ImportError::Malformed("PDF 解释器无法处理此文件".into())))
}

fn read_unguarded(bytes: Vec<u8>) -> Result<Source, ImportError> {
    let pdf = Pdf::new(bytes).map_err(|e| match e {
        LoadPdfError::Decryption(_) => ImportError::Encrypted,
        LoadPdfError::Invalid => ImportError::Malformed("文件结构无法解析".into()),
    })?;
    let pages = pdf.pages();
    if pages.len() > limits::MAX_PDF_PAGES {
        return Err(ImportError::TooLarge(format!(
            "共 {} 页，超过 {} 页的上限",
            pages.len(),
            limits::MAX_PDF_PAGES
        )));
    }
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    let mut lines = Vec::new();
    let mut rules: Vec<(u32, f64)> = Vec::new();
    let mut unmapped = 0;
    let mut glyph_count = 0;
    for (i, page) in pages.iter().enumerate() {
        let mut context = Context::new(
            page.initial_transform(true).to_kurbo(),
            Rect::new(0.0, 0.0, 1.0, 1.0),
            &cache,
            pdf.xref(),
            settings.clone(),
        );
        let mut collector = Collector {
            glyphs: Vec::new(),
            unmapped: 0,
            rules: Vec::new(),
        };
        interpret_page(page, &mut context, &mut collector);
        let mut page_rules = collector.rules;
        page_rules.sort_by(f64::total_cmp);
        page_rules.dedup_by(|a, b| (*a - *b).abs() < 1.0);
        rules.extend(page_rules.into_iter().map(|y| (i as u32 + 1, y)));
        unmapped += collector.unmapped;
        glyph_count += collector.glyphs.len();
        lines.extend(page_lines(collector.glyphs, i as u32 + 1));
    }
    let text_chars: usize = lines
        .iter()
        .map(|l| l.text().chars().filter(|c| !c.is_whitespace()).count())
        .sum();
    if text_chars < 20 {
        return Err(if unmapped > 0 || glyph_count > 0 {
            ImportError::NoText("PDF 中的文字没有 Unicode 对应（字体未带 ToUnicode 表）".into())
        } else {
            ImportError::NoText("PDF 没有文字层（可能是扫描件或图片）".into())
        });
    }
    Ok(Source {
        kind: Kind::Pdf,
        blocks: blocks(lines, &rules),
        meta: PageMeta::default(),
        diags: Vec::new(),
    })
}

/// Glyphs → lines: grouped by baseline, sorted left to right, cut into pieces at
/// gaps wider than an em, page numbers (-1-, — 2 —, 第3页) left out.
fn page_lines(mut glyphs: Vec<Glyf>, page: u32) -> Vec<Line> {
    // Every coordinate finite (a hostile matrix gives infinities): they are compared,
    // and cross the pipe from the read worker as JSON numbers.
    glyphs.retain(|g| g.y.is_finite() && g.x0.is_finite() && g.x1.is_finite());
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y).then(a.x0.total_cmp(&b.x0)));
    let mut groups: Vec<Vec<Glyf>> = Vec::new();
    for g in glyphs {
        match groups.last_mut() {
            Some(group) if (g.y - group[0].y).abs() <= 0.3 * g.size.min(group[0].size) => {
                group.push(g)
            }
            _ => groups.push(vec![g]),
        }
    }
    static PAGE_NUMBER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^[-—–－\s]*\d{1,4}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$")
            .expect("page number pattern")
    });
    let page_number = &*PAGE_NUMBER;
    let mut out = Vec::new();
    for mut group in groups {
        group.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        // Bold faked by drawing each glyph twice, a little apart (WPS, Word with
        // fonts that lack a bold face): one of each pair is kept.
        let mut kept: Vec<Glyf> = Vec::with_capacity(group.len());
        for g in group {
            let twin = kept.iter().rev().take(3).any(|k| {
                k.text == g.text
                    && (k.x0 - g.x0).abs() < 0.3 * g.size
                    && (k.y - g.y).abs() < 0.3 * g.size
            });
            if !twin {
                kept.push(g);
            }
        }
        // A space drawn after the last glyph: the line broke at a space (和 / workflows).
        let trailing_space = kept.last().is_some_and(|g| g.text.trim().is_empty());
        kept.retain(|g| !g.text.trim().is_empty());
        if kept.is_empty() {
            continue;
        }
        let group = kept;
        let size = group.iter().map(|g| g.size).fold(0.0, f64::max);
        let y = group[0].y;
        let mut pieces: Vec<Piece> = Vec::new();
        let mut current: Option<(String, f64, f64)> = None;
        for g in &group {
            match &mut current {
                Some((text, _, x1)) if g.x0 - *x1 <= 0.9 * size => {
                    if g.x0 - *x1 > 0.2 * size {
                        text.push(' ');
                    }
                    text.push_str(&g.text);
                    *x1 = x1.max(g.x1);
                }
                _ => {
                    if let Some((text, x0, x1)) = current.take() {
                        pieces.push(piece(&text, x0, x1, page));
                    }
                    current = Some((g.text.clone(), g.x0, g.x1));
                }
            }
        }
        if let Some((text, x0, x1)) = current {
            pieces.push(piece(&text, x0, x1, page));
        }
        pieces.retain(|p| !p.text.is_empty());
        if pieces.is_empty() {
            continue;
        }
        let line = Line {
            trailing_space,
            x0: pieces[0].x0,
            x1: pieces.last().map_or(0.0, |p| p.x1),
            pieces,
            y,
            size,
            page,
            number: 0,
        };
        out.push(line);
    }
    // Page numbers (-1-, — 2 —, 第3页) are the first or last line of a page; a lone
    // number inside a table is a value.
    let is_page_number = |l: &Line| page_number.is_match(&l.text());
    if out.last().is_some_and(is_page_number) {
        out.pop();
    }
    if out.first().is_some_and(is_page_number) {
        out.remove(0);
    }
    for (i, line) in out.iter_mut().enumerate() {
        line.number = i as u32 + 1;
        for p in &mut line.pieces {
            p.place.line = line.number;
        }
    }
    out
}

fn piece(text: &str, x0: f64, x1: f64, page: u32) -> Piece {
    Piece {
        text: plain(text),
        x0,
        x1,
        place: SourcePlace {
            page,
            ..SourcePlace::default()
        },
    }
}

fn is_number_piece(text: &str) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    !t.is_empty()
        && t.chars()
            .any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c))
        && t.chars()
            .all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c) || ".,，．".contains(c))
}

/// Lines → paragraphs and tables. A table region runs from the heading of section
/// 二, 三 or 四 to the next heading; elsewhere a line of several pieces holding a
/// number is a table row too (tables placed after the text). Prose lines are joined
/// into paragraphs: a paragraph starts on an indented line or after a short one.
fn blocks(lines: Vec<Line>, rules: &[(u32, f64)]) -> Vec<Block> {
    // Margins per page, from the lines that are not in tables (estimated on all).
    let mut left = std::collections::HashMap::<u32, f64>::new();
    let mut right = std::collections::HashMap::<u32, f64>::new();
    for l in &lines {
        let e = left.entry(l.page).or_insert(f64::MAX);
        *e = e.min(l.x0);
        let e = right.entry(l.page).or_insert(0.0);
        *e = e.max(l.x1);
    }
    let mut out: Vec<Block> = Vec::new();
    let mut in_table = false;
    let mut para: Option<(String, SourcePlace, usize)> = None;
    let mut previous_short = true;
    let flush = |para: &mut Option<(String, SourcePlace, usize)>, out: &mut Vec<Block>| {
        if let Some((text, place, order)) = para.take() {
            out.push(Block::Para(Para {
                text: plain(&text),
                place,
                order,
            }));
        }
    };
    for (order, line) in lines.into_iter().enumerate() {
        let text = line.text();
        let (l, r) = (left[&line.page], right[&line.page]);
        let width = (r - l).max(1.0);
        let place = SourcePlace {
            page: line.page,
            line: line.number,
            ..SourcePlace::default()
        };
        let heading = line.pieces.len() <= 2 && is_heading_line(&text);
        if heading {
            flush(&mut para, &mut out);
            in_table = is_table_heading(&text);
            out.push(Block::Para(Para {
                text: text.clone(),
                place,
                order,
            }));
            previous_short = true;
            continue;
        }
        let wide_prose = line.pieces.len() == 1 && line.x1 - line.x0 > 0.6 * width;
        let numbers = line.pieces.iter().any(|p| is_number_piece(&p.text));
        let table_row = if in_table {
            !wide_prose
        } else {
            line.pieces.len() >= 2 && numbers && !wide_prose
        };
        if table_row {
            flush(&mut para, &mut out);
            if !matches!(out.last(), Some(Block::Table(_))) {
                out.push(Block::Table(Table::default()));
            }
            if let Some(Block::Table(t)) = out.last_mut()
                && t.rows.len() < limits::MAX_TABLE_ROWS
            {
                t.rows.push(Row {
                    spread: vec![false; line.pieces.len()],
                    pieces: line.pieces,
                    y: line.y,
                    page: line.page,
                    order,
                });
            }
            previous_short = true;
            continue;
        }
        let indented = line.x0 > l + 0.8 * line.size;
        let starts = para.is_none() || indented || previous_short;
        if starts {
            flush(&mut para, &mut out);
            para = Some((String::new(), place, order));
        }
        if let Some((t, _, _)) = &mut para {
            t.push_str(&text);
            if line.trailing_space {
                t.push(' ');
            }
        }
        previous_short = line.x1 < r - 1.5 * line.size;
    }
    flush(&mut para, &mut out);
    for b in &mut out {
        if let Block::Table(t) = b {
            let pages: std::collections::BTreeSet<u32> = t.rows.iter().map(|r| r.page).collect();
            t.rules = rules
                .iter()
                .copied()
                .filter(|(p, _)| pages.contains(p))
                .collect();
        }
    }
    out
}
