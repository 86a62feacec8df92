//! The DOCX: the same document model as the PDF, for Word and WPS.
//!
//! docx-rs builds the body (paragraphs, runs, tables with their merges, the
//! section with the page, margins, line grid and odd/even footers); the package
//! stage ([`super::ooxml`]) then puts every part in schema order, marks the
//! repeated header rows, and writes the styles, settings, font table and core
//! properties in full. Margins, sizes, line pitch and the font of each role come
//! from [`crate::layout`], as for the PDF.

use docx_rs::{
    AlignmentType, BorderType, DocGrid, DocGridType, Docx, FieldCharType, Footer, HeightRule,
    InstrPAGE, InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, Run, Table,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableCellMargins, TableLayoutType,
    TableRow, VAlignType, VMergeType, WidthType,
};

use super::ooxml::{self, Part};
use crate::document::{DocBlock, Document, Grid, GridCell};
use crate::layout::{self, Layout, Role};
use crate::title::cells;
use crate::units;

use crate::error::RenderError;
use crate::typeset::{TablePart, TableParts};

/// Twentieths of a point in a millimetre.
fn twips(mm: f64) -> i32 {
    (mm * 1440.0 / 25.4).round() as i32
}

/// Twentieths of a point.
fn twips_pt(pt: f64) -> i32 {
    (pt * 20.0).round() as i32
}

/// The line pitch in twips, rounded down so that 22 lines fit the 225 mm type area
/// (22 × 580 would be 4 twips too many, and Word would set 21).
fn grid_pitch(l: &Layout) -> i32 {
    (l.line_pitch_pt * 20.0).floor() as i32
}

/// Style ids (the names a clerk sees are in [`styles_xml`]).
mod style {
    pub const BODY: &str = "nbBody";
    pub const TITLE: &str = "nbTitle";
    pub const HEADING: &str = "nbHeading1";
    pub const LEAD: &str = "nbLead";
    pub const TABLE: &str = "nbTable";
    pub const TABLE_HEAD: &str = "nbTableHead";
    pub const FOOTER: &str = "nbFooter";
    pub const SIGNATURE: &str = "nbSignature";
}

fn para(style_id: &str, text: &str) -> Paragraph {
    let p = Paragraph::new().style(style_id);
    if text.is_empty() {
        p
    } else {
        p.add_run(Run::new().add_text(units::with_break_opportunities(text)))
    }
}

fn footer(l: &Layout, odd: bool) -> Footer {
    // — n —, one 4号 character in from the side.
    let indent = twips_pt(l.page_number_size_pt);
    let p = Paragraph::new()
        .style(style::FOOTER)
        .align(if odd {
            AlignmentType::Right
        } else {
            AlignmentType::Left
        })
        .add_run(Run::new().add_text("— "))
        .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
        .add_run(Run::new().add_instr_text(InstrText::PAGE(InstrPAGE::new())))
        .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
        .add_run(Run::new().add_text("1"))
        .add_run(Run::new().add_field_char(FieldCharType::End, false))
        .add_run(Run::new().add_text(" —"));
    let p = if odd {
        p.indent(None, None, Some(indent), None)
    } else {
        p.indent(Some(indent), None, None, None)
    };
    Footer::new().add_paragraph(p)
}

/// Column widths in twips: fixed columns hold their characters plus the cell
/// margins; the others share the rest of the type area.
fn column_widths(g: &Grid, l: &Layout, margin: i32) -> Vec<usize> {
    let total = twips(l.type_area_mm.0);
    let fixed: Vec<Option<i32>> = g
        .columns
        .iter()
        .map(|c| c.map(|chars| twips_pt(chars * g.size_pt) + 2 * margin))
        .collect();
    let used: i32 = fixed.iter().flatten().sum();
    let free = fixed.iter().filter(|c| c.is_none()).count().max(1) as i32;
    let mut widths: Vec<i32> = fixed
        .iter()
        .map(|c| c.unwrap_or((total - used) / free))
        .collect();
    // Rounding goes to the last column, so the table is exactly the type area wide.
    let sum: i32 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += total - sum;
    }
    widths.into_iter().map(|w| w.max(0) as usize).collect()
}

fn cell_paragraph(c: &GridCell) -> Paragraph {
    para(
        if c.role == Role::Heading {
            style::TABLE_HEAD
        } else {
            style::TABLE
        },
        &c.text(),
    )
    .align(if c.left {
        AlignmentType::Left
    } else {
        AlignmentType::Center
    })
}

/// Rows `from..to` of a table's body with its header rows, as one Word table. A
/// merged label that starts above `from` starts again at `from` with its text, and
/// one that runs past `to` ends there: each part of a table that runs over pages
/// prints its labels in full (三、本年度办理结果, （三）不予公开), as the PDF does.
fn table_part(g: &Grid, l: &Layout, from: usize, to: usize, heights: &[f64]) -> Table {
    let margin = twips_pt(g.inset_pt);
    let widths = column_widths(g, l, margin);
    let width_of = |x: usize, span: usize| widths[x..x + span].iter().sum::<usize>();
    let h = g.header_rows;
    // Each cell with its span cut to the rows shown: (x, first row, rows, cell).
    let cells: Vec<(usize, usize, usize, &GridCell)> = g
        .rows
        .iter()
        .flatten()
        .filter_map(|c| {
            if c.y < h {
                return Some((c.x, c.y, c.rowspan.min(h - c.y), c));
            }
            let start = c.y.max(from);
            let end = (c.y + c.rowspan).min(to);
            (start < end).then(|| (c.x, start, end - start, c))
        })
        .collect();
    let shown: Vec<usize> = (0..h).chain(from..to).collect();
    let mut rows = Vec::new();
    for &y in &shown {
        let mut row = Vec::new();
        let mut x = 0;
        while x < widths.len() {
            if let Some(&(_, _, rowspan, c)) =
                cells.iter().find(|(cx, cy, _, _)| *cy == y && *cx == x)
            {
                let mut tc = TableCell::new()
                    .add_paragraph(cell_paragraph(c))
                    .width(width_of(x, c.colspan), WidthType::Dxa)
                    .vertical_align(VAlignType::Center);
                if c.colspan > 1 {
                    tc = tc.grid_span(c.colspan);
                }
                if rowspan > 1 {
                    tc = tc.vertical_merge(VMergeType::Restart);
                }
                row.push(tc);
                x += c.colspan;
            } else if let Some(&(_, _, _, c)) = cells
                .iter()
                .find(|(cx, cy, span, _)| *cx == x && *cy < y && y < cy + span)
            {
                // A row of a vertical merge: an empty cell that continues it.
                let mut tc = TableCell::new()
                    .add_paragraph(Paragraph::new().style(style::TABLE))
                    .width(width_of(x, c.colspan), WidthType::Dxa)
                    .vertical_merge(VMergeType::Continue);
                if c.colspan > 1 {
                    tc = tc.grid_span(c.colspan);
                }
                row.push(tc);
                x += c.colspan;
            } else {
                x += 1;
            }
        }
        let mut tr = TableRow::new(row).cant_split();
        if let Some(&h) = heights.get(y).filter(|h| **h > 0.0) {
            // In whole twips (ST_TwipsMeasure), rounded up.
            tr = tr
                .row_height((h * 20.0).ceil() as f32)
                .height_rule(HeightRule::AtLeast);
        }
        rows.push(tr);
    }
    let border = |p| TableBorder::new(p).size(4).border_type(BorderType::Single);
    Table::new(rows)
        .set_grid(widths.clone())
        .width(widths.iter().sum(), WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .margins(TableCellMargins::new().margin(0, margin as usize, 0, margin as usize))
        .set_borders(
            TableBorders::new()
                .set(border(TableBorderPosition::Top))
                .set(border(TableBorderPosition::Left))
                .set(border(TableBorderPosition::Bottom))
                .set(border(TableBorderPosition::Right))
                .set(border(TableBorderPosition::InsideH))
                .set(border(TableBorderPosition::InsideV)),
        )
}

/// What the PDF adds under a block `height` pt tall so that it takes whole lines of
/// the grid (the template's `grid-height`): a block starting on a grid line and
/// followed by one leading takes `k` lines.
fn grid_slack(height: f64, l: &Layout) -> f64 {
    let lead = l.line_pitch_pt - l.body_size_pt;
    let lines = ((height + lead) / l.line_pitch_pt - 0.001).ceil();
    (lines * l.line_pitch_pt - lead - height).max(0.0)
}

/// A paragraph one twentieth of a point high that starts a new page: it stands
/// between two parts of a table (two tables next to each other would be joined into
/// one by Word), so that the next part starts at the top of a page, as in the PDF.
fn part_break() -> Paragraph {
    Paragraph::new()
        .style(style::TABLE)
        .page_break_before(true)
        .line_spacing(
            LineSpacing::new()
                .line(1)
                .line_rule(LineSpacingType::Exact)
                .before(0)
                .after(0),
        )
}

/// The body of the document, built with docx-rs, and the number of header rows of
/// each Word table in it (a table the PDF cuts into parts is one Word table a part).
/// `parts`: for each table of the document in order, the rows of each part as the
/// PDF's layout cut them, with whether the part starts a page ([`TableParts`]).
fn body(doc: &Document, l: &Layout, parts: &[TableParts]) -> (Docx, Vec<usize>) {
    let mut header_rows = Vec::new();
    let mut table_index = 0;
    let line = grid_pitch(l);
    let mut d = Docx::new()
        .page_size(twips(l.paper_mm.0) as u32, twips(l.paper_mm.1) as u32)
        .page_margin(
            PageMargin::new()
                .top(twips(l.margin_top_mm))
                .bottom(twips(l.margin_bottom_mm))
                .left(twips(l.margin_left_mm))
                .right(twips(l.margin_right_mm))
                .header(twips(15.0))
                // The page number's line sits so that its dash is 7 mm below the type area.
                .footer(
                    twips(l.margin_bottom_mm - l.page_number_gap_mm)
                        - twips_pt(l.page_number_size_pt * 0.6),
                ),
        )
        .footer(footer(l, true))
        .even_footer(footer(l, false));
    d.document = d.document.doc_grid(
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(line as usize),
    );

    let lines: Vec<String> = match &doc.title.lines {
        Some(lines) => lines.clone(),
        None => vec![doc.title.text.clone()],
    };
    for t in &lines {
        d = d.add_paragraph(para(style::TITLE, t));
    }
    d = d.add_paragraph(para(style::BODY, ""));
    for p in &doc.preamble {
        d = d.add_paragraph(para(style::BODY, p));
    }
    // The 落款 never stands alone on a page (GB/T 9704-2012 7.3.5): the last paragraph
    // of the body, the blank line and the signature are kept together (w:keepNext),
    // so that Word, WPS and LibreOffice move the body's last line along with them.
    let last_block = doc
        .sections
        .iter()
        .enumerate()
        .flat_map(|(i, s)| (0..s.blocks.len()).map(move |j| (i, j)))
        .next_back();
    for (si, s) in doc.sections.iter().enumerate() {
        let table_parts = match s.blocks.as_slice() {
            [DocBlock::Table(g)] => {
                let p = parts
                    .get(table_index)
                    .cloned()
                    .unwrap_or_else(|| TableParts {
                        parts: vec![TablePart {
                            from: g.header_rows,
                            to: g.rows.len(),
                            new_page: false,
                            height_pt: 0.0,
                        }],
                        head_pt: 0.0,
                        row_heights_pt: Vec::new(),
                    });
                table_index += 1;
                Some((g, p))
            }
            _ => None,
        };
        // A table the PDF starts on a new page starts one here too, with its heading.
        let heading_on_new_page = table_parts
            .as_ref()
            .is_some_and(|(_, p)| p.parts.first().is_some_and(|x| x.new_page));
        let heading = para(style::HEADING, &s.heading);
        d = d.add_paragraph(if heading_on_new_page {
            heading.page_break_before(true)
        } else {
            heading
        });
        if let Some((g, p)) = table_parts {
            for (i, part) in p.parts.iter().enumerate() {
                if i > 0 {
                    d = d.add_paragraph(part_break());
                }
                // The PDF gives a table whole lines of the grid (the text after it is on
                // the grid again): the last row takes the rest, so that the text after
                // the table starts on the same line in Word.
                let mut heights = p.row_heights_pt.clone();
                // The header's merged cells may be taller than its rows: the last
                // header row takes the difference.
                let h = g.header_rows;
                if h > 0 && heights.len() >= h {
                    let rows: f64 = heights[..h].iter().sum();
                    heights[h - 1] += (p.head_pt - rows).max(0.0);
                }
                if part.height_pt > 0.0
                    && let Some(last) = heights
                        .get_mut(part.to.saturating_sub(1))
                        .filter(|h| **h > 0.0)
                {
                    *last += grid_slack(part.height_pt, l);
                }
                d = d.add_table(table_part(g, l, part.from, part.to, &heights));
                header_rows.push(g.header_rows);
            }
            continue;
        }
        for (bi, b) in s.blocks.iter().enumerate() {
            let keep = |p: Paragraph| {
                if doc.signature.is_some() && last_block == Some((si, bi)) {
                    p.keep_next(true)
                } else {
                    p
                }
            };
            d = match b {
                DocBlock::Para { text } => d.add_paragraph(keep(para(style::BODY, text))),
                DocBlock::Lead { lead, text } => d.add_paragraph(keep(
                    Paragraph::new()
                        .style(style::BODY)
                        .add_run(Run::new().style(style::LEAD).add_text(lead.as_str()))
                        .add_run(Run::new().add_text(units::with_break_opportunities(text))),
                )),
                DocBlock::Table(g) => {
                    header_rows.push(g.header_rows);
                    d.add_table(table_part(g, l, g.header_rows, g.rows.len(), &[]))
                }
            };
        }
    }
    if let Some(sig) = &doc.signature {
        // 署名右空二字, 日期首字比署名首字右移二字; a longer date stands two characters in
        // and the name moves left accordingly (GB/T 9704 7.3.5.2).
        let (o, t) = (cells(&sig.organ), cells(&sig.date));
        let (organ_right, date_right) = if t + 2.0 <= o {
            (2.0, o - t)
        } else {
            (t + 4.0 - o, 2.0)
        };
        let cell = l.char_pitch_pt;
        d = d.add_paragraph(para(style::BODY, "").keep_next(true));
        for (text, right, keep) in [
            (&sig.organ, organ_right, true),
            (&sig.date, date_right, false),
        ] {
            let p =
                para(style::SIGNATURE, text).indent(None, None, Some(twips_pt(right * cell)), None);
            d = d.add_paragraph(if keep { p.keep_next(true) } else { p });
        }
    }
    (d, header_rows)
}

/// Renders the document as a DOCX package. `parts` are the tables' parts as the
/// PDF's layout cut them ([`crate::typeset::Pages::table_parts`]); a table with no
/// entry is one Word table that Word breaks where it will.
pub fn docx(doc: &Document, parts: &[TableParts]) -> Result<Vec<u8>, RenderError> {
    let l = layout::gbt9704();
    let (body, header_rows) = body(doc, &l, parts);
    let xml = body.build();
    let fail = |e: ooxml::XmlError| RenderError::Docx(e.0);
    let mut entries: Vec<(String, Vec<u8>)> = vec![
        ("[Content_Types].xml".into(), xml.content_type),
        ("_rels/.rels".into(), xml.rels),
        ("docProps/app.xml".into(), xml.doc_props.app),
        ("docProps/core.xml".into(), core_xml(doc).into_bytes()),
        ("docProps/custom.xml".into(), xml.doc_props.custom),
        ("word/_rels/document.xml.rels".into(), xml.document_rels),
        ("word/document.xml".into(), xml.document),
        ("word/styles.xml".into(), styles_xml(&l).into_bytes()),
        ("word/settings.xml".into(), settings_xml().into_bytes()),
        ("word/fontTable.xml".into(), font_table_xml().into_bytes()),
        ("word/comments.xml".into(), xml.comments),
        ("word/numbering.xml".into(), xml.numberings),
        ("word/commentsExtended.xml".into(), xml.comments_extended),
        ("word/footnotes.xml".into(), xml.footnotes),
    ];
    for (i, f) in xml.footers.into_iter().enumerate() {
        entries.push((format!("word/footer{}.xml", i + 1), f));
        if let Some(r) = xml.footer_rels.get(i) {
            entries.push((format!("word/_rels/footer{}.xml.rels", i + 1), r.clone()));
        }
    }
    for (name, bytes) in &mut entries {
        if !name.starts_with("word/") || !name.ends_with(".xml") {
            continue;
        }
        let mut part = Part::parse(bytes).map_err(fail)?;
        if name == "word/document.xml" {
            ooxml::mark_header_rows(&mut part.root, &header_rows);
        }
        ooxml::conform(&mut part.root);
        *bytes = part.to_bytes();
    }
    ooxml::zip(&entries).map_err(fail)
}

/// Text for XML: escaped, without the control characters XML 1.0 forbids.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn fonts(role: Role) -> String {
    let f = esc(role.official());
    format!(r#"<w:rFonts w:ascii="{f}" w:eastAsia="{f}" w:hAnsi="{f}" w:cs="{f}"/>"#)
}

/// Every style the body uses, with the names a clerk sees in Word.
fn styles_xml(l: &Layout) -> String {
    let line = grid_pitch(l);
    let body_sz = (l.body_size_pt * 2.0).round() as i32;
    let title_sz = (l.title_size_pt * 2.0).round() as i32;
    let table_sz = (l.table_size_pt * 2.0).round() as i32;
    let footer_sz = (l.page_number_size_pt * 2.0).round() as i32;
    // Characters are 0.25 pt closer than their 16 pt, so that 28 fill the 156 mm line
    // (28 × 15.75 pt ≤ 442.2 pt) without relying on each program's character grid.
    let tighten = -5;
    let indent = twips_pt(2.0 * (l.body_size_pt - 0.25));
    let body_fonts = fonts(Role::Body);
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>{body_fonts}<w:kern w:val="2"/><w:sz w:val="{body_sz}"/><w:szCs w:val="{body_sz}"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:spacing w:line="{line}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:overflowPunct w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:spacing w:line="{line}" w:lineRule="exact"/><w:jc w:val="both"/></w:pPr><w:rPr>{body_fonts}<w:spacing w:val="{tighten}"/><w:sz w:val="{body_sz}"/><w:szCs w:val="{body_sz}"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:style><w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style><w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="{body}"><w:name w:val="公文正文"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="{indent}"/></w:pPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="{title}"><w:name w:val="公文标题"/><w:basedOn w:val="Normal"/><w:next w:val="{body}"/><w:qFormat/><w:pPr><w:keepNext/><w:jc w:val="center"/></w:pPr><w:rPr>{title_fonts}<w:spacing w:val="0"/><w:sz w:val="{title_sz}"/><w:szCs w:val="{title_sz}"/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="{heading}"><w:name w:val="一级标题"/><w:basedOn w:val="{body}"/><w:next w:val="{body}"/><w:qFormat/><w:pPr><w:keepNext/><w:outlineLvl w:val="0"/></w:pPr><w:rPr>{heading_fonts}</w:rPr></w:style><w:style w:type="character" w:customStyle="1" w:styleId="{lead}"><w:name w:val="二级标题"/><w:qFormat/><w:rPr>{lead_fonts}</w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="{table}"><w:name w:val="表格文字"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/></w:pPr><w:rPr><w:spacing w:val="0"/><w:sz w:val="{table_sz}"/><w:szCs w:val="{table_sz}"/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="{table_head}"><w:name w:val="表格标题"/><w:basedOn w:val="{table}"/><w:qFormat/><w:rPr>{heading_fonts}</w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="{footer}"><w:name w:val="页码"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:snapToGrid w:val="0"/><w:spacing w:line="240" w:lineRule="auto"/></w:pPr><w:rPr>{page_fonts}<w:spacing w:val="0"/><w:sz w:val="{footer_sz}"/><w:szCs w:val="{footer_sz}"/></w:rPr></w:style><w:style w:type="paragraph" w:customStyle="1" w:styleId="{signature}"><w:name w:val="落款"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr><w:jc w:val="right"/></w:pPr></w:style></w:styles>"#,
        body = style::BODY,
        title = style::TITLE,
        heading = style::HEADING,
        lead = style::LEAD,
        table = style::TABLE,
        table_head = style::TABLE_HEAD,
        footer = style::FOOTER,
        signature = style::SIGNATURE,
        title_fonts = fonts(Role::Title),
        heading_fonts = fonts(Role::Heading),
        lead_fonts = fonts(Role::Lead),
        page_fonts = fonts(Role::PageNumber),
    )
}

/// Settings: odd and even footers, punctuation kept full width, no
/// `balanceSingleByteDoubleByteWidth` (it gives every digit a full cell).
fn settings_xml() -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="{W}"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/><w:characterSpacingControl w:val="doNotCompress"/><w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat><w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>"#
    )
}

/// The official fonts, with the names other systems know them by.
fn font_table_xml() -> String {
    let fonts = [
        (Role::Body, "仿宋", "modern"),
        (Role::Heading, "SimHei", "modern"),
        (Role::Lead, "楷体", "modern"),
        (Role::Title, "方正小标宋_GBK", "script"),
        (Role::PageNumber, "SimSun", "auto"),
    ];
    let mut out = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="{W}">"#
    );
    for (role, alt, family) in fonts {
        out.push_str(&format!(
            r#"<w:font w:name="{}"><w:altName w:val="{}"/><w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="variable"/></w:font>"#,
            esc(role.official()),
            esc(alt)
        ));
    }
    out.push_str("</w:fonts>");
    out
}

/// Core properties: title, creator (the body), subject, keywords, identifier (文号),
/// created and modified = the document date.
fn core_xml(doc: &Document) -> String {
    let m = &doc.meta;
    let date = format!("{:04}-{:02}-{:02}T00:00:00Z", m.date.0, m.date.1, m.date.2);
    let identifier = m
        .doc_number
        .as_ref()
        .map(|n| format!("<dc:identifier>{}</dc:identifier>", esc(n)))
        .unwrap_or_default();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>{title}</dc:title><dc:subject>{subject}</dc:subject><dc:creator>{creator}</dc:creator><cp:keywords>{keywords}</cp:keywords><cp:lastModifiedBy>{creator}</cp:lastModifiedBy><cp:revision>1</cp:revision>{identifier}<dc:language>zh-CN</dc:language><dcterms:created xsi:type="dcterms:W3CDTF">{date}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">{date}</dcterms:modified></cp:coreProperties>"#,
        title = esc(&m.title),
        subject = esc(&m.subject),
        creator = esc(&m.author),
        keywords = esc(&m.keywords.join(", ")),
    )
}
