//! Reading a report published as a web page: the bytes decoded by the encoding the
//! page declares (or UTF-8, else GB18030, the superset of GBK and GB2312) with
//! encoding_rs, parsed by html5ever (through scraper) as a browser would, the
//! article found as the element that holds the section headings (the portal's
//! navigation around it left out), its paragraphs and its data tables (rowspan and
//! colspan spread over the grid; tables used for page layout read as text).

use ego_tree::NodeId;
use nianbao_form::diag::SourcePlace;
use scraper::{ElementRef, Html, Node};

use crate::error::ImportError;
use crate::limits;
use crate::source::{Block, Kind, ORDER_STRIDE, PageMeta, Para, Row, Source, Table, plain};
use crate::structure::heading_section;

/// Decodes the bytes of a page: a byte-order mark, then a `charset` declared in the
/// first 4 KiB, then UTF-8 when the bytes are valid UTF-8, else GB18030.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    static CHARSET: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r#"charset\s*=\s*["']?([a-z0-9_\-]+)"#).expect("charset pattern")
    });
    let declared = CHARSET
        .captures(&head)
        .and_then(|c| encoding_rs::Encoding::for_label(c[1].as_bytes()));
    let enc = match declared {
        // A page that says UTF-8 but is not: the common GBK page with a wrong tag.
        Some(e) if e == encoding_rs::UTF_8 && std::str::from_utf8(bytes).is_err() => {
            encoding_rs::GB18030
        }
        // A page whose ASCII declaration we could read is not UTF-16.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => encoding_rs::UTF_8,
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

const SKIP: &[&str] = &[
    "script", "style", "noscript", "template", "head", "iframe", "select", "button", "svg",
    "object", "textarea", "option",
];
const BLOCK: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "dl",
    "dt",
    "dd",
    "center",
    "form",
    "hr",
    "address",
    "figure",
    "figcaption",
    "main",
    "tr",
    "caption",
];

fn is_element(node: ego_tree::NodeRef<'_, Node>, name: &str) -> bool {
    node.value().as_element().is_some_and(|e| e.name() == name)
}

/// A layout table (the portal's page grid) rather than a data table: it holds
/// another table, or a cell with a long text.
fn is_layout_table(table: ElementRef<'_>) -> bool {
    let nested = table.descendants().skip(1).any(|n| is_element(n, "table"));
    nested
        || table.descendants().any(|n| {
            (is_element(n, "td") || is_element(n, "th"))
                && ElementRef::wrap(n)
                    .is_some_and(|e| e.text().flat_map(str::chars).take(1_001).count() > 1_000)
        })
}

struct Walker {
    blocks: Vec<Block>,
    para: String,
    paragraph_no: u32,
    table_no: u32,
    order: usize,
}

impl Walker {
    fn flush(&mut self) {
        let text = plain(&self.para);
        self.para.clear();
        if text.is_empty() {
            return;
        }
        self.paragraph_no += 1;
        self.order += 1;
        self.blocks.push(Block::Para(Para {
            text,
            place: SourcePlace {
                paragraph: self.paragraph_no,
                ..SourcePlace::default()
            },
            order: self.order * ORDER_STRIDE,
        }));
    }

    /// Walks the tree below `root` without recursion (a page nested 100,000 deep
    /// cannot overflow the stack; below [`limits::MAX_DEPTH`] nothing is read).
    fn walk(&mut self, root: ego_tree::NodeRef<'_, Node>) {
        enum Step<'a> {
            Enter(ego_tree::NodeRef<'a, Node>, usize),
            Leave(bool),
        }
        let mut stack = vec![Step::Enter(root, 0)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Leave(block) => {
                    if block {
                        self.flush();
                    }
                }
                Step::Enter(node, depth) => {
                    if depth > limits::MAX_DEPTH {
                        continue;
                    }
                    match node.value() {
                        Node::Text(t) => self.para.push_str(t),
                        Node::Element(e) => {
                            let name = e.name();
                            if SKIP.contains(&name) {
                                continue;
                            }
                            if name == "br" {
                                // A line break ends a paragraph (the 落款's two lines,
                                // CMS text typed as lines).
                                self.flush();
                                continue;
                            }
                            if name == "table"
                                && let Some(el) = ElementRef::wrap(node)
                                && !is_layout_table(el)
                            {
                                self.flush();
                                self.table_no += 1;
                                self.order += 1;
                                let t = table(el, self.table_no, self.order * ORDER_STRIDE);
                                self.blocks.push(Block::Table(t));
                                continue;
                            }
                            let block = BLOCK.contains(&name) || name == "table" || name == "td";
                            if block {
                                self.flush();
                            }
                            stack.push(Step::Leave(block));
                            let children: Vec<_> = node.children().collect();
                            for c in children.into_iter().rev() {
                                stack.push(Step::Enter(c, depth + 1));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        self.flush();
    }
}

/// The text of a cell: its descendants' text, paragraphs joined by a space.
fn cell_text(cell: ElementRef<'_>) -> String {
    let mut s = String::new();
    for n in cell.descendants() {
        if s.len() > limits::MAX_CELL_CHARS * 4 {
            break;
        }
        match n.value() {
            Node::Text(t) => s.push_str(t),
            Node::Element(e) if e.name() == "br" || e.name() == "p" || e.name() == "div" => {
                s.push(' ')
            }
            _ => {}
        }
    }
    plain(&s)
}

fn span(el: ElementRef<'_>, name: &str) -> usize {
    el.value()
        .attr(name)
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(1)
        .clamp(1, limits::MAX_SPAN)
}

/// A `<table>` as a grid: rowspan and colspan spread over the slots they cover.
fn table(el: ElementRef<'_>, number: u32, base: usize) -> Table {
    let rows: Vec<ElementRef<'_>> = el
        .descendants()
        .filter(|n| is_element(*n, "tr"))
        .filter_map(ElementRef::wrap)
        .take(limits::MAX_TABLE_ROWS)
        .collect();
    // Slots taken by a rowspan from above: (text, rows left) per column.
    let mut carried: Vec<Option<(String, usize, usize)>> = Vec::new();
    let mut out = Table {
        grid: true,
        ..Table::default()
    };
    for (r, tr) in rows.iter().enumerate() {
        let mut row = Row {
            y: r as f64,
            order: base + r,
            ..Row::default()
        };
        let cells: Vec<ElementRef<'_>> = tr
            .children()
            .filter(|n| is_element(*n, "td") || is_element(*n, "th"))
            .filter_map(ElementRef::wrap)
            .collect();
        let mut col = 0usize;
        let mut cells = cells.into_iter();
        loop {
            if col >= limits::MAX_TABLE_COLUMNS {
                break;
            }
            if let Some(Some((text, left, width))) = carried.get(col).cloned() {
                carried[col] = (left > 1).then(|| (text.clone(), left - 1, width));
                row.push_cell(text, number, r, col, width, true);
                col += width;
                continue;
            }
            let Some(cell) = cells.next() else {
                // A short row: the spans from above further right still cover it.
                match (col..carried.len()).find(|&c| carried[c].is_some()) {
                    Some(next) => {
                        col = next;
                        continue;
                    }
                    None => break,
                }
            };
            let (cs, rs) = (span(cell, "colspan"), span(cell, "rowspan"));
            let text = cell_text(cell);
            if carried.len() < col + cs {
                carried.resize(col + cs, None);
            }
            if rs > 1 {
                // Copied into the rows it covers: a label's length at most.
                carried[col] = Some((text.chars().take(200).collect(), rs - 1, cs));
            }
            row.push_cell(text, number, r, col, cs, false);
            col += cs;
        }
        out.rows.push(row);
    }
    out
}

fn meta(doc: &Html) -> PageMeta {
    let named = |name: &str| {
        let sel = scraper::Selector::parse("meta[name][content]").expect("selector");
        doc.select(&sel)
            .find(|m| {
                m.value()
                    .attr("name")
                    .is_some_and(|n| n.eq_ignore_ascii_case(name))
            })
            .and_then(|m| m.value().attr("content"))
            .map(plain)
            .filter(|c| !c.is_empty())
    };
    let title = named("ArticleTitle").or_else(|| {
        let sel = scraper::Selector::parse("title").expect("selector");
        doc.select(&sel).next().map(|t| {
            let text = plain(&t.text().collect::<String>());
            text.split(['_', '|'])
                .next()
                .unwrap_or("")
                .trim()
                .to_string()
        })
    });
    let published = named("PubDate")
        .or_else(|| named("firstpublishedtime"))
        .and_then(|d| {
            let d: String = d.chars().take(10).collect();
            nianbao_form::model::Date::parse(&d.replace('/', "-")).map(|d| d.to_string())
        });
    PageMeta {
        title: title.filter(|t| t.contains("报告")),
        published,
        site_name: named("SiteName"),
        site_domain: named("SiteDomain"),
        site_id_code: named("SiteIDCode"),
    }
}

/// The blocks a heading may be: its text may sit in any inline wrapper inside them
/// (`<p><span><font face="方正黑体_GBK">一、总体情况</font></span></p>`).
const HEADING_BLOCKS: [&str; 13] = [
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "li", "section", "center",
];

/// The element holding the article: the nearest common ancestor of the blocks
/// whose text starts a section heading (一、总体情况 …); the body when none. A
/// heading is found from its text, whatever inline elements wrap it, by the
/// nearest block above the text.
fn article(doc: &Html) -> NodeId {
    let mut heads: Vec<Vec<NodeId>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for node in doc.tree.root().descendants() {
        let Some(t) = node.value().as_text() else {
            continue;
        };
        if t.trim().is_empty() {
            continue;
        }
        // The nearest block, at most 64 levels up (a page nested a million deep
        // costs no more).
        let Some(block) = node.ancestors().take(64).find(|a| {
            ElementRef::wrap(*a).is_some_and(|e| HEADING_BLOCKS.contains(&e.value().name()))
        }) else {
            continue;
        };
        if !seen.insert(block.id()) {
            continue;
        }
        // A heading is short: at most 60 characters are gathered, from at most 64
        // nodes below it.
        let mut gathered = String::new();
        for t in block
            .descendants()
            .take(64)
            .filter_map(|n| n.value().as_text().map(|t| &**t))
        {
            gathered.push_str(t);
            if gathered.chars().count() > 60 {
                break;
            }
        }
        let text = plain(&gathered);
        if text.chars().count() > 40 || heading_section(&text).is_none() {
            continue;
        }
        heads.push(block.ancestors().map(|a| a.id()).collect());
        if heads.len() >= 6 {
            break;
        }
    }
    let Some(first) = heads.first() else {
        return doc.tree.root().id();
    };
    if heads.len() == 1 {
        return first.last().copied().unwrap_or(doc.tree.root().id());
    }
    // The first ancestor of the first heading that is an ancestor of every other.
    first
        .iter()
        .copied()
        .find(|a| heads.iter().all(|h| h.contains(a)))
        .unwrap_or(doc.tree.root().id())
}

/// Reads an HTML page.
///
/// # Errors
/// [`ImportError::TooLarge`] for a page past [`limits::MAX_HTML_BYTES`].
pub fn read(bytes: &[u8]) -> Result<Source, ImportError> {
    if bytes.len() as u64 > limits::MAX_HTML_BYTES {
        return Err(ImportError::TooLarge(format!(
            "网页超过 {} MiB",
            limits::MAX_HTML_BYTES / 1024 / 1024
        )));
    }
    let text = decode(bytes);
    let doc = Html::parse_document(&text);
    let meta = meta(&doc);
    let root = article(&doc);
    let mut walker = Walker {
        blocks: Vec::new(),
        para: String::new(),
        paragraph_no: 0,
        table_no: 0,
        order: 0,
    };
    if let Some(node) = doc.tree.get(root) {
        walker.walk(node);
    }
    Ok(Source {
        kind: Kind::Html,
        blocks: walker.blocks,
        meta,
        diags: Vec::new(),
    })
}
