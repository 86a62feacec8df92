//! The package stage of the DOCX: everything docx-rs cannot express or writes
//! wrongly is fixed here, in one place, on the parts it produced.
//!
//! - Children are put in the order the schema (ECMA-376) requires: Word drops
//!   run properties that are out of order, and our fonts would vanish.
//! - Header rows of tables are marked to repeat (`w:tblHeader`; docx-rs has no API).
//! - `styles.xml`, `settings.xml`, `fontTable.xml` and `docProps/core.xml` are
//!   written here in full: real named styles with the official fonts and
//!   `w:firstLineChars`, no `balanceSingleByteDoubleByteWidth`, the official font
//!   names, and the report's core properties.
//! - Entries are deflate-compressed with fixed timestamps: same input, same bytes.

use std::io::{Cursor, Write};

use quick_xml::Reader;
use quick_xml::events::Event;

/// A parsed XML part: elements, and everything else kept as written (escaped text,
/// entity references, declarations), so that serialising gives back the same text.
#[derive(Clone, Debug)]
pub enum Node {
    /// An element.
    Element(Element),
    /// Text, a reference, a comment, a declaration — verbatim.
    Raw(String),
}

/// An element with its attributes as written.
#[derive(Clone, Debug)]
pub struct Element {
    /// Qualified name, e.g. `w:rPr`.
    pub name: String,
    /// The attributes exactly as written, with their leading space.
    pub attrs: String,
    /// Children in order.
    pub children: Vec<Node>,
}

impl Element {
    fn new(name: &str, attrs: &str) -> Element {
        Element {
            name: name.to_string(),
            attrs: attrs.to_string(),
            children: Vec::new(),
        }
    }

    /// The child elements.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Raw(_) => None,
        })
    }

    /// The child elements, mutably.
    pub fn elements_mut(&mut self) -> impl Iterator<Item = &mut Element> {
        self.children.iter_mut().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Raw(_) => None,
        })
    }

    fn write(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        out.push_str(&self.attrs);
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for c in &self.children {
            match c {
                Node::Element(e) => e.write(out),
                Node::Raw(r) => out.push_str(r),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

/// A whole part: what comes before the root (the XML declaration) and the root.
#[derive(Clone, Debug)]
pub struct Part {
    /// Declaration and anything else before the root, verbatim.
    pub prolog: String,
    /// The root element.
    pub root: Element,
}

/// An XML part could not be read (a bug in what produced it).
#[derive(Debug)]
pub struct XmlError(pub String);

impl Part {
    /// Parses a part.
    pub fn parse(bytes: &[u8]) -> Result<Part, XmlError> {
        let text = std::str::from_utf8(bytes).map_err(|e| XmlError(e.to_string()))?;
        let mut reader = Reader::from_str(text);
        let mut prolog = String::new();
        let mut stack: Vec<Element> = Vec::new();
        let mut root = None;
        let utf8 = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        loop {
            let event = reader.read_event().map_err(|e| XmlError(e.to_string()))?;
            let raw = match event {
                Event::Start(e) => {
                    let name = utf8(e.name().as_ref());
                    stack.push(Element::new(
                        &name,
                        &utf8(attrs_with_space(e.attributes_raw()).as_bytes()),
                    ));
                    continue;
                }
                Event::Empty(e) => {
                    let name = utf8(e.name().as_ref());
                    let el = Element::new(
                        &name,
                        &utf8(attrs_with_space(e.attributes_raw()).as_bytes()),
                    );
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(el)),
                        None => root = Some(el),
                    }
                    continue;
                }
                Event::End(_) => {
                    let el = stack
                        .pop()
                        .ok_or_else(|| XmlError("unbalanced end tag".into()))?;
                    match stack.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(el)),
                        None => root = Some(el),
                    }
                    continue;
                }
                Event::Text(t) => utf8(&t),
                Event::GeneralRef(r) => format!("&{};", utf8(&r)),
                Event::CData(c) => format!("<![CDATA[{}]]>", utf8(&c)),
                Event::Comment(c) => format!("<!--{}-->", utf8(&c)),
                Event::Decl(d) => format!("<?{}?>", utf8(&d)),
                Event::PI(p) => format!("<?{}?>", utf8(&p)),
                Event::DocType(d) => format!("<!DOCTYPE {}>", utf8(&d)),
                Event::Eof => break,
            };
            match stack.last_mut() {
                Some(parent) => parent.children.push(Node::Raw(raw)),
                None if root.is_none() => prolog.push_str(&raw),
                None => {}
            }
        }
        let root = root.ok_or_else(|| XmlError("no root element".into()))?;
        Ok(Part { prolog, root })
    }

    /// The part with one element per line, indented: for reading and for snapshots.
    pub fn to_pretty(&self) -> String {
        fn walk(el: &Element, depth: usize, out: &mut String) {
            let pad = "  ".repeat(depth);
            let only_text = el.children.iter().all(|c| matches!(c, Node::Raw(_)));
            if el.children.is_empty() || only_text {
                out.push_str(&pad);
                el.write(out);
                out.push('\n');
                return;
            }
            out.push_str(&format!("{pad}<{}{}>\n", el.name, el.attrs));
            for c in &el.children {
                match c {
                    Node::Element(e) => walk(e, depth + 1, out),
                    Node::Raw(r) => out.push_str(&format!("{pad}  {r}\n")),
                }
            }
            out.push_str(&format!("{pad}</{}>\n", el.name));
        }
        let mut out = String::new();
        walk(&self.root, 0, &mut out);
        out
    }

    /// The part as bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.prolog.clone();
        self.root.write(&mut out);
        out.into_bytes()
    }
}

fn attrs_with_space(raw: &[u8]) -> String {
    let s = String::from_utf8_lossy(raw);
    if s.is_empty() || s.starts_with(char::is_whitespace) {
        s.into_owned()
    } else {
        format!(" {s}")
    }
}

// ------------------------------------------------------------ schema order

/// CT_PPr (ECMA-376 Part 1, 17.3.1.26).
const PPR: &[&str] = &[
    "w:pStyle",
    "w:keepNext",
    "w:keepLines",
    "w:pageBreakBefore",
    "w:framePr",
    "w:widowControl",
    "w:numPr",
    "w:suppressLineNumbers",
    "w:pBdr",
    "w:shd",
    "w:tabs",
    "w:suppressAutoHyphens",
    "w:kinsoku",
    "w:wordWrap",
    "w:overflowPunct",
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
];

/// CT_RPr (17.3.2.28, EG_RPrBase).
const RPR: &[&str] = &[
    "w:rStyle",
    "w:rFonts",
    "w:b",
    "w:bCs",
    "w:i",
    "w:iCs",
    "w:caps",
    "w:smallCaps",
    "w:strike",
    "w:dstrike",
    "w:outline",
    "w:shadow",
    "w:emboss",
    "w:imprint",
    "w:noProof",
    "w:snapToGrid",
    "w:vanish",
    "w:webHidden",
    "w:color",
    "w:spacing",
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
    "w:rPrChange",
];

/// CT_SectPr (17.6.17); header and footer references come first, in any order.
const SECTPR: &[&str] = &[
    "w:headerReference",
    "w:footerReference",
    "w:footnotePr",
    "w:endnotePr",
    "w:type",
    "w:pgSz",
    "w:pgMar",
    "w:paperSrc",
    "w:pgBorders",
    "w:lnNumType",
    "w:pgNumType",
    "w:cols",
    "w:formProt",
    "w:vAlign",
    "w:noEndnote",
    "w:titlePg",
    "w:textDirection",
    "w:bidi",
    "w:rtlGutter",
    "w:docGrid",
    "w:printerSettings",
    "w:sectPrChange",
];

/// CT_TblPr (17.4.60).
const TBLPR: &[&str] = &[
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
];

/// CT_TcPr (17.4.70).
const TCPR: &[&str] = &[
    "w:cnfStyle",
    "w:tcW",
    "w:gridSpan",
    "w:hMerge",
    "w:vMerge",
    "w:tcBorders",
    "w:shd",
    "w:noWrap",
    "w:tcMar",
    "w:textDirection",
    "w:tcFitText",
    "w:vAlign",
    "w:hideMark",
    "w:headers",
    "w:cellIns",
    "w:cellDel",
    "w:cellMerge",
    "w:tcPrChange",
];

/// CT_TcBorders and CT_TblBorders (top, start/left, bottom, end/right, insideH, insideV, tl2br, tr2bl).
const BORDERS: &[&str] = &[
    "w:top",
    "w:start",
    "w:left",
    "w:bottom",
    "w:end",
    "w:right",
    "w:insideH",
    "w:insideV",
    "w:tl2br",
    "w:tr2bl",
];

/// CT_TblCellMar / CT_TcMar.
const MARGINS: &[&str] = &["w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right"];

fn sequence(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "w:pPr" => PPR,
        "w:rPr" => RPR,
        "w:sectPr" => SECTPR,
        "w:tblPr" => TBLPR,
        "w:tcPr" => TCPR,
        "w:tcBorders" | "w:tblBorders" => BORDERS,
        "w:tblCellMar" | "w:tcMar" => MARGINS,
        _ => return None,
    })
}

/// Attributes docx-rs writes that the schema does not declare: (element, attribute).
const UNDECLARED: &[(&str, &str)] = &[("w:gridCol", "w:type")];

impl Element {
    /// Removes an attribute (attributes are written `name="value"` by every producer here).
    pub fn remove_attr(&mut self, name: &str) {
        let key = format!(" {name}=\"");
        if let Some(start) = self.attrs.find(&key)
            && let Some(len) = self.attrs[start + key.len()..].find('"')
        {
            self.attrs
                .replace_range(start..start + key.len() + len + 1, "");
        }
    }
}

/// Makes a part valid against the schema: children of every element with a
/// schema sequence in that order (stable; unknown elements after the known
/// ones), and no undeclared attributes.
pub fn conform(el: &mut Element) {
    for (element, attr) in UNDECLARED {
        if el.name == *element {
            el.remove_attr(attr);
        }
    }
    schema_order(el);
    for child in el.elements_mut() {
        conform(child);
    }
}

/// Puts the children of an element with a schema sequence in that order.
fn schema_order(el: &mut Element) {
    if let Some(seq) = sequence(&el.name) {
        let rank = |n: &Node| match n {
            Node::Element(e) => seq.iter().position(|s| *s == e.name).unwrap_or(seq.len()),
            Node::Raw(_) => seq.len() + 1,
        };
        el.children.sort_by_key(rank);
    }
}

/// Marks the first `header_rows[i]` rows of the i-th table of the body as repeated header rows.
pub fn mark_header_rows(body: &mut Element, header_rows: &[usize]) {
    let mut tables = Vec::new();
    collect_tables(body, &mut tables);
    for (table, &n) in tables.into_iter().zip(header_rows) {
        for row in table.elements_mut().filter(|e| e.name == "w:tr").take(n) {
            if !row.elements().any(|e| e.name == "w:trPr") {
                // trPr follows the row's tblPrEx, if any, and precedes its cells.
                let at = row
                    .children
                    .iter()
                    .position(|n| matches!(n, Node::Element(e) if e.name != "w:tblPrEx"))
                    .unwrap_or(0);
                row.children
                    .insert(at, Node::Element(Element::new("w:trPr", "")));
            }
            let trpr = row
                .elements_mut()
                .find(|e| e.name == "w:trPr")
                .expect("present");
            if !trpr.elements().any(|e| e.name == "w:tblHeader") {
                trpr.children
                    .push(Node::Element(Element::new("w:tblHeader", "")));
            }
        }
    }
}

fn collect_tables<'a>(el: &'a mut Element, out: &mut Vec<&'a mut Element>) {
    for child in el.elements_mut() {
        if child.name == "w:tbl" {
            out.push(child);
        } else {
            collect_tables(child, out);
        }
    }
}

/// Writes the package: entries in the given order, deflate-compressed, with the
/// fixed timestamp 1980-01-01 so that the same parts give the same bytes.
pub fn zip(entries: &[(String, Vec<u8>)]) -> Result<Vec<u8>, XmlError> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in entries {
        out.start_file(name.as_str(), options)
            .map_err(|e| XmlError(e.to_string()))?;
        out.write_all(bytes).map_err(|e| XmlError(e.to_string()))?;
    }
    let cursor = out.finish().map_err(|e| XmlError(e.to_string()))?;
    Ok(cursor.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_round_trip_verbatim() {
        let xml = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t xml:space="preserve">a &amp; b &lt;c&gt; “引号”</w:t></w:r></w:p></w:body></w:document>"#;
        let part = Part::parse(xml.as_bytes()).unwrap();
        assert_eq!(String::from_utf8(part.to_bytes()).unwrap(), xml);
    }

    #[test]
    fn run_properties_are_put_in_schema_order() {
        let xml = r#"<w:rPr><w:sz w:val="32"/><w:lang w:eastAsia="zh-CN"/><w:rFonts w:eastAsia="仿宋_GB2312"/><w:rStyle w:val="Lead"/></w:rPr>"#;
        let mut part = Part::parse(xml.as_bytes()).unwrap();
        conform(&mut part.root);
        let names: Vec<&str> = part.root.elements().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["w:rStyle", "w:rFonts", "w:sz", "w:lang"]);
    }

    #[test]
    fn undeclared_attributes_are_removed() {
        let xml = r#"<w:tblGrid><w:gridCol w:w="100" w:type="dxa" /></w:tblGrid>"#;
        let mut part = Part::parse(xml.as_bytes()).unwrap();
        conform(&mut part.root);
        assert_eq!(
            String::from_utf8(part.to_bytes()).unwrap(),
            r#"<w:tblGrid><w:gridCol w:w="100" /></w:tblGrid>"#
        );
    }
}
