//! The portal edition: the same document as the PDF and the DOCX, as an accessible
//! HTML5 page (`render --to html`) and as a fragment for a CMS editor
//! (`render --to html-fragment`).
//!
//! Accessibility (GB/T 37668-2019, WCAG 2.1 AA): `lang="zh-CN"`; headings `h1` (the
//! title), `h2` (一、…), `h3` (（一）…); every table with a `<caption>`, its header
//! rows in `<thead>` as `<th scope="col|colgroup">`, its row labels as `<th
//! scope="row|rowgroup">`, and every number cell naming its headers with `headers`
//! (table 三's three levels: “（三）不予公开 · 3.危及“三安全一稳定” · 商业企业”); text
//! at least 16 px with contrast above 7:1; a table wider than the screen scrolls
//! inside its own box, so the page reflows to 320 px. The page needs no script, no
//! web font and no request: the system's CJK fonts read it. A print stylesheet sets
//! A4 and 仿宋 when installed (the official print edition remains the PDF).
//!
//! The fragment is the body only, with the styling on the elements (`style`
//! attributes): CMS editors (UEditor, TRS) strip `<style>` and classes.
//!
//! Every text is escaped: no markup or script from the data can reach the page.

use std::fmt::Write as _;

use crate::document::{CellKind, DocBlock, Document, Grid, GridCell};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The styles of the page, by element: one table, used as a `<style>` sheet in the
/// page and as `style` attributes in the fragment, so the two look alike.
const STYLE: &[(&str, &str)] = &[
    (
        "article",
        "max-width:48em;margin:0 auto;padding:1em;color:#1a1a1a;background:#fff;font-size:18px;line-height:1.8",
    ),
    (
        "h1",
        "font-size:1.6em;line-height:1.4;text-align:center;margin:0.5em 0 1em;font-weight:bold",
    ),
    (
        "h2",
        "font-size:1.2em;margin:1.2em 0 0.4em;font-weight:bold",
    ),
    (
        "h3",
        "font-size:1.05em;margin:0.8em 0 0.2em;font-weight:bold",
    ),
    ("p", "margin:0 0 0.5em;text-indent:2em;text-align:justify"),
    ("div.scroll", "overflow-x:auto;margin:0.5em 0 1em"),
    (
        "table",
        "border-collapse:collapse;min-width:100%;font-size:16px;line-height:1.5",
    ),
    (
        "caption",
        "font-weight:bold;padding:0.3em 0;text-align:center",
    ),
    (
        "th",
        "border:1px solid #333;padding:0.3em 0.4em;font-weight:bold;background:#f2f2f2;color:#1a1a1a;vertical-align:middle",
    ),
    (
        "th.label",
        "font-weight:normal;text-align:left;background:#fafafa",
    ),
    (
        "td",
        "border:1px solid #333;padding:0.3em 0.4em;text-align:center;vertical-align:middle;font-variant-numeric:tabular-nums",
    ),
    (
        "p.signature",
        "text-indent:0;text-align:right;margin-top:2em",
    ),
];

fn style_of(selector: &str) -> &'static str {
    STYLE
        .iter()
        .find(|(s, _)| *s == selector)
        .map_or("", |(_, v)| v)
}

/// How the markup is styled: by a sheet and classes (page), or inline (fragment).
#[derive(Clone, Copy, PartialEq)]
enum Styling {
    Sheet,
    Inline,
}

impl Styling {
    /// The attributes an element gets: `class` for the page, `style` for the fragment.
    fn attrs(self, selector: &str) -> String {
        let class = selector.split_once('.').map(|(_, c)| c);
        match self {
            Styling::Sheet => class.map_or(String::new(), |c| format!(" class=\"{c}\"")),
            Styling::Inline => {
                let element = selector.split('.').next().unwrap_or(selector);
                let mut style = style_of(element).to_string();
                if class.is_some() {
                    style.push(';');
                    style.push_str(style_of(selector));
                }
                format!(" style=\"{style}\"")
            }
        }
    }
}

/// The id of a header cell: `nb{document}-t{table}-{row}-{column}`, where the
/// document's part is a hash of its title, so that two reports' fragments pasted into
/// one CMS page keep their ids apart.
fn cell_id(doc: &str, table: usize, c: &GridCell) -> String {
    format!("nb{doc}-t{table}-{}-{}", c.y, c.x)
}

/// A short deterministic token of a text (FNV-1a, 32 bits, in hex).
fn token(text: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    format!("{h:08x}")
}

/// A file name as a relative URL: the characters a URL gives meaning to encoded.
fn href(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        match c {
            '%' | '#' | '?' | ' ' | '"' | '\'' | '<' | '>' | '\\' => {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The header cells a number cell is read with, in reading order: the column heads
/// above it (table 三 and 四: every header row; table 二: its block's caption and
/// column head), then the row labels to its left.
fn headers_of<'a>(g: &'a Grid, all: &[&'a GridCell], cell: &GridCell) -> Vec<&'a GridCell> {
    let covers_col = |h: &GridCell| h.x <= cell.x && cell.x < h.x + h.colspan;
    let covers_row = |h: &GridCell| h.y <= cell.y && cell.y < h.y + h.rowspan;
    let mut out = Vec::new();
    if g.header_rows > 0 {
        out.extend(
            all.iter()
                .copied()
                .filter(|h| h.kind == CellKind::Head && covers_col(h)),
        );
    } else {
        // Table 二: upwards to the block's caption.
        let mut column_head = None;
        let mut caption = None;
        for y in (0..cell.y).rev() {
            for h in g.rows[y].iter() {
                match h.kind {
                    CellKind::ColumnHead if column_head.is_none() && covers_col(h) => {
                        column_head = Some(h)
                    }
                    CellKind::Caption if caption.is_none() => caption = Some(h),
                    _ => {}
                }
            }
            if caption.is_some() {
                break;
            }
        }
        out.extend(caption);
        out.extend(column_head);
    }
    let mut labels: Vec<&GridCell> = all
        .iter()
        .copied()
        .filter(|h| h.kind == CellKind::Label && h.x < cell.x && covers_row(h))
        .collect();
    labels.sort_by_key(|h| h.x);
    out.extend(labels);
    out
}

fn table(out: &mut String, g: &Grid, doc: &str, index: usize, caption: &str, st: Styling) {
    let _ = write!(
        out,
        "<div{} role=\"region\" aria-label=\"{}\" tabindex=\"0\"><table{}><caption{}>{}</caption>",
        st.attrs("div.scroll"),
        escape(caption),
        st.attrs("table"),
        st.attrs("caption"),
        escape(caption)
    );
    let th = |out: &mut String, c: &GridCell, scope: &str, class: &str| {
        let mut span = String::new();
        if c.colspan > 1 {
            let _ = write!(span, " colspan=\"{}\"", c.colspan);
        }
        if c.rowspan > 1 {
            let _ = write!(span, " rowspan=\"{}\"", c.rowspan);
        }
        let _ = write!(
            out,
            "<th id=\"{}\" scope=\"{scope}\"{span}{}>{}</th>",
            cell_id(doc, index, c),
            st.attrs(class),
            escape(&c.text())
        );
    };
    // Every cell, once per table (each number's headers are looked up among them).
    let all: Vec<&GridCell> = g.rows.iter().flatten().collect();
    for (y, row) in g.rows.iter().enumerate() {
        if y == 0 && g.header_rows > 0 {
            out.push_str("<thead>");
        }
        if y == g.header_rows {
            out.push_str("<tbody>");
        }
        out.push_str("<tr>");
        for c in row {
            match c.kind {
                // `col`/`row` even where a cell spans several: the markup has no
                // column or row groups (table 三's groups nest), and every number
                // names all its headers with `headers`.
                CellKind::Head | CellKind::Caption | CellKind::ColumnHead => {
                    th(out, c, "col", "th");
                }
                CellKind::Label => th(out, c, "row", "th.label"),
                CellKind::Number => {
                    let headers: Vec<String> = headers_of(g, &all, c)
                        .iter()
                        .map(|h| cell_id(doc, index, h))
                        .collect();
                    let mut span = String::new();
                    if c.colspan > 1 {
                        let _ = write!(span, " colspan=\"{}\"", c.colspan);
                    }
                    let _ = write!(
                        out,
                        "<td headers=\"{}\"{span}{}>{}</td>",
                        headers.join(" "),
                        st.attrs("td"),
                        escape(&c.text())
                    );
                }
            }
        }
        out.push_str("</tr>");
        if y + 1 == g.header_rows {
            out.push_str("</thead>");
        }
    }
    out.push_str("</tbody></table></div>");
}

/// The article: title, preamble, sections, 落款.
fn article(doc: &Document, st: Styling) -> String {
    let mut out = String::new();
    let _ = write!(out, "<article{}>", st.attrs("article"));
    let title = match &doc.title.lines {
        Some(lines) => lines
            .iter()
            .map(|l| escape(l))
            .collect::<Vec<_>>()
            .join("<br>"),
        None => escape(&doc.title.text),
    };
    let _ = write!(out, "<h1{}>{title}</h1>", st.attrs("h1"));
    for p in &doc.preamble {
        let _ = write!(out, "<p{}>{}</p>", st.attrs("p"), escape(p));
    }
    let mut tables = 0;
    let id = token(&doc.meta.title);
    for s in &doc.sections {
        let _ = write!(
            out,
            "<section><h2{}>{}</h2>",
            st.attrs("h2"),
            escape(&s.heading)
        );
        for b in &s.blocks {
            match b {
                DocBlock::Para { text } => {
                    let _ = write!(out, "<p{}>{}</p>", st.attrs("p"), escape(text));
                }
                DocBlock::Lead { lead, text } => {
                    let heading = lead.trim_end_matches('。');
                    let _ = write!(out, "<h3{}>{}</h3>", st.attrs("h3"), escape(heading));
                    if !text.is_empty() {
                        let _ = write!(out, "<p{}>{}</p>", st.attrs("p"), escape(text));
                    }
                }
                DocBlock::Table(g) => {
                    tables += 1;
                    let caption = s
                        .heading
                        .split_once('、')
                        .map_or(s.heading.as_str(), |(_, t)| t);
                    table(&mut out, g, &id, tables, caption, st);
                }
            }
        }
        out.push_str("</section>");
    }
    if let Some(sig) = &doc.signature {
        let _ = write!(
            out,
            "<p{}>{}<br>{}</p>",
            st.attrs("p.signature"),
            escape(&sig.organ),
            escape(&sig.date)
        );
    }
    out.push_str("</article>");
    out
}

/// The fragment for a CMS editor: the article with its styling inline.
pub fn fragment(doc: &Document) -> Vec<u8> {
    let mut out = article(doc, Styling::Inline);
    out.push('\n');
    out.into_bytes()
}

/// Portal metadata, for the `<head>` (the meta tags the government-website platforms
/// read: SiteName, SiteDomain, SiteIDCode, ColumnName 政府信息公开年报, ArticleTitle,
/// PubDate, ContentSource, Keywords, Description).
pub struct PageMeta<'a> {
    /// 发布日期 (`YYYY-MM-DD`), or the document date.
    pub published: String,
    /// `SiteName`, `SiteDomain`, `SiteIDCode` when the data gives them.
    pub site: [(&'static str, Option<&'a str>); 3],
    /// The JSON edition beside the page, for `<link rel="alternate">`: its file name.
    pub json_name: Option<&'a str>,
}

/// The self-contained page.
pub fn page(doc: &Document, meta: &PageMeta) -> Vec<u8> {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    let title = escape(&doc.meta.title);
    let _ = writeln!(out, "<title>{title}</title>");
    for (name, value) in meta.site.iter() {
        if let Some(v) = value {
            let _ = writeln!(out, "<meta name=\"{name}\" content=\"{}\">", escape(v));
        }
    }
    let tags = [
        ("ColumnName", "政府信息公开年报".to_string()),
        ("ArticleTitle", doc.meta.title.clone()),
        ("PubDate", meta.published.clone()),
        ("ContentSource", doc.meta.author.clone()),
        ("Keywords", doc.meta.keywords.join(",")),
        ("Description", doc.meta.subject.clone()),
    ];
    for (name, value) in tags {
        let _ = writeln!(out, "<meta name=\"{name}\" content=\"{}\">", escape(&value));
    }
    if let Some(json) = meta.json_name {
        let _ = writeln!(
            out,
            "<link rel=\"alternate\" type=\"application/json\" href=\"{}\">",
            escape(&href(json))
        );
    }
    out.push_str("<style>\n");
    for (selector, style) in STYLE {
        let _ = writeln!(out, "{selector}{{{style}}}");
    }
    out.push_str("body{margin:0;background:#fff}\n");
    out.push_str("@media print{@page{size:A4;margin:37mm 26mm 35mm 28mm}article{max-width:none;padding:0;font-family:\"仿宋_GB2312\",\"仿宋\",FangSong,serif;font-size:16pt}div.scroll{overflow:visible}table{font-size:10.5pt}}\n");
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    out.push_str(&article(doc, Styling::Sheet));
    out.push_str("\n</main>\n</body>\n</html>\n");
    out.into_bytes()
}
