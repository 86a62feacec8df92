//! Typesetting: the document laid out into pages by Typst, used as a library
//! with our own `World`. The pages are then exported ([`crate::export::pdf`];
//! an OFD or PNG exporter would take the same [`Pages`]).
//!
//! No typst process, no network, no packages: the template is compiled into the
//! binary, the document reaches it as a virtual JSON file, the fonts are the
//! [`FontSet`] registered under the role names, and there is no clock — the
//! document date comes from the data, so the same input gives the same bytes.

pub mod plan;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration, NativeElement, Selector};
use typst::introspection::MetadataElem;
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook, FontWeight};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::document::{DocBlock, DocMeta, Document, Grid};
use crate::error::RenderError;
use crate::fonts::FontSet;
use crate::layout::{self, Layout, Role};
use crate::units::{CLOSING, OPENING};
use plan::{Plan, TableMetrics};

/// The template, compiled into the binary.
pub const TEMPLATE: &str = include_str!("../../templates/report.typ");

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("valid virtual path"),
    )
    .intern()
}

/// The Typst world of one process: library, fonts and template fixed; the data
/// file swapped per document.
struct ReportWorld {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    source: Source,
    files: Mutex<HashMap<FileId, Bytes>>,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main {
            Ok(self.source.clone())
        } else {
            Err(FileError::NotFound(id.vpath().get_with_slash().into()))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files
            .lock()
            .expect("files lock")
            .get(&id)
            .cloned()
            .ok_or_else(|| FileError::NotFound(id.vpath().get_with_slash().into()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    fn today(&self, _: Option<Duration>) -> Option<Datetime> {
        None
    }
}

/// The data the template reads.
#[derive(Serialize)]
struct TemplateData<'a> {
    layout: &'a Layout,
    /// The font family of each role, by the role's name: `body` → `nb-body`.
    fonts: &'a BTreeMap<&'static str, &'static str>,
    punct: Punct,
    attach: bool,
    doc: &'a Document,
    /// Set to have the template measure these tables instead of drawing the document.
    metrics: Option<Vec<&'a Grid>>,
    /// For each table of the document, its plan for every line it may start on.
    plans: Vec<Vec<Plan>>,
    /// For each table of the document, the measured height of each row, pt.
    heights: Vec<&'a [f64]>,
    /// Have the template check that its measuring shortcuts agree with the real layout.
    verify: bool,
}

/// The punctuation the template keeps at full width.
#[derive(Clone, Copy, Serialize)]
struct Punct {
    opening: &'static str,
    closing: &'static str,
}

/// One part of a table as the typeset pages printed it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TablePart {
    /// Its first body row.
    pub from: usize,
    /// The row after its last.
    pub to: usize,
    /// Whether it starts a new page.
    pub new_page: bool,
    /// Its height with the header rows, pt (0 when unknown).
    pub height_pt: f64,
}

/// How the layout cut one table (the PDF's, the DOCX's and every paged output's). One part from the first body row to the
/// last, on no new page, is the table whole, where it falls.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableParts {
    /// The parts, in order.
    pub parts: Vec<TablePart>,
    /// The header rows' height together in the PDF, pt (0 when unknown).
    pub head_pt: f64,
    /// Each row's height in the PDF, pt (empty when unknown): the
    /// DOCX rows are given it as their least height (`w:trHeight w:hRule="atLeast"`),
    /// so that Word, WPS and LibreOffice, which wrap a cell's words a little
    /// otherwise, keep the rows as tall as the PDF's and break pages alike.
    pub row_heights_pt: Vec<f64>,
}

/// Document pages laid out by Typst, with the metadata the exporters write: laid out
/// once per report, and taken by every paged output (the PDF, the SVG preview) and by
/// the DOCX for where its tables are cut.
pub struct Pages {
    /// Typst's laid-out document.
    pub paged: PagedDocument,
    /// The document's metadata (title, author … for the PDF's Info and XMP).
    pub meta: DocMeta,
    /// For each table of the document in order, the parts the layout cut it into
    /// (read back from the template's `<nb-table-part>` metadata), for the DOCX.
    pub table_parts: Vec<TableParts>,
}

/// The parts of each table, as the template marked them.
fn table_parts(paged: &PagedDocument) -> Vec<TableParts> {
    #[derive(serde::Deserialize)]
    struct Mark {
        table: usize,
        from: usize,
        to: usize,
        #[serde(rename = "new-page")]
        new_page: bool,
        height: f64,
    }
    let mut out: Vec<TableParts> = Vec::new();
    for content in paged
        .introspector()
        .elements()
        .query(&Selector::Elem(MetadataElem::ELEM, None))
    {
        let Some(mark) = content
            .to_packed::<MetadataElem>()
            .and_then(|m| serde_json::to_value(m.value.clone()).ok())
            .and_then(|v| serde_json::from_value::<Mark>(v).ok())
        else {
            continue;
        };
        if out.len() <= mark.table {
            out.resize_with(mark.table + 1, TableParts::default);
        }
        out[mark.table].parts.push(TablePart {
            from: mark.from,
            to: mark.to,
            new_page: mark.new_page,
            height_pt: mark.height,
        });
    }
    out
}

/// The typesetter: fonts and template are loaded once and reused for every
/// document; table heights are measured once per form and kept.
pub struct Typesetter {
    world: ReportWorld,
    layout: Layout,
    /// The font family of each role, as the template names the roles.
    roles: BTreeMap<&'static str, &'static str>,
    /// Table heights by form ([`plan::form_key`]), measured once with these fonts.
    metrics: Mutex<HashMap<String, Arc<TableMetrics>>>,
}

impl Typesetter {
    /// A typesetter with the fonts of `fonts` registered under the role names.
    pub fn new(fonts: &FontSet) -> Self {
        let mut infos = Vec::new();
        let mut faces = Vec::new();
        for role in Role::ALL {
            let font = fonts.get(role).font.clone();
            let mut info = font.info().clone();
            info.family = role.family().to_string();
            // Each role has one face, chosen already: it serves every weight asked.
            info.variant.weight = FontWeight::REGULAR;
            infos.push(info);
            faces.push(font);
        }
        let main = file_id("/main.typ");
        Typesetter {
            world: ReportWorld {
                library: LazyHash::new(Library::builder().build()),
                book: LazyHash::new(FontBook::from_infos(infos)),
                fonts: faces,
                main,
                source: Source::new(main, TEMPLATE.to_string()),
                files: Mutex::new(HashMap::new()),
            },
            layout: layout::gbt9704(),
            roles: Role::ALL
                .iter()
                .map(|r| (r.family().trim_start_matches("nb-"), r.family()))
                .collect(),
            metrics: Mutex::new(HashMap::new()),
        }
    }

    /// Lays a document out into pages. `attachment`, when given, is attached to the
    /// PDF as `source.json` (the report's data, for PDF/A-3b).
    ///
    /// # Errors
    /// [`RenderError::Typeset`] with Typst's messages, or
    /// [`RenderError::TableMetrics`]: both mean a template bug.
    pub fn typeset(&self, doc: &Document, attachment: Option<&str>) -> Result<Pages, RenderError> {
        let (paged, metrics) = self.compile_with(doc, attachment, false)?;
        let mut parts = table_parts(&paged);
        for (p, m) in parts.iter_mut().zip(&metrics) {
            p.row_heights_pt = m.rows.clone();
            p.head_pt = m.head;
        }
        Ok(Pages {
            table_parts: parts,
            paged,
            meta: doc.meta.clone(),
        })
    }

    /// Lays a document out with the template's self-checks on: each paragraph is
    /// also measured as it is drawn, and must take the room the grid walk gave it;
    /// each table part whose rows are given their measured heights is also laid
    /// out with rows Typst sizes itself, and must come out the same. For tests.
    pub fn compile_verified(&self, doc: &Document) -> Result<PagedDocument, RenderError> {
        Ok(self.compile_with(doc, None, true)?.0)
    }

    /// Lays a document out; also gives the metrics of each of its tables.
    fn compile_with(
        &self,
        doc: &Document,
        source_json: Option<&str>,
        verify: bool,
    ) -> Result<(PagedDocument, Vec<Arc<TableMetrics>>), RenderError> {
        let tables: Vec<&Grid> = doc
            .sections
            .iter()
            .filter_map(|s| match s.blocks.as_slice() {
                [DocBlock::Table(g)] => Some(g),
                _ => None,
            })
            .collect();
        let metrics = self.table_metrics(doc, &tables)?;
        let plans = tables
            .iter()
            .zip(&metrics)
            .map(|(g, m)| plan::plans(g, m, &self.layout))
            .collect();
        let paged = self.run_template(
            &TemplateData {
                attach: source_json.is_some(),
                plans,
                heights: metrics.iter().map(|m| m.rows.as_slice()).collect(),
                verify,
                ..self.data(doc)
            },
            source_json,
        )?;
        Ok((paged, metrics))
    }

    /// The metrics of each table, measured by the template for the forms not seen before.
    fn table_metrics(
        &self,
        doc: &Document,
        tables: &[&Grid],
    ) -> Result<Vec<Arc<TableMetrics>>, RenderError> {
        let keys: Vec<String> = tables.iter().map(|g| plan::form_key(g)).collect();
        let mut known = self.metrics.lock().expect("metrics lock");
        let mut missing: Vec<(&String, &Grid)> = Vec::new();
        for (key, g) in keys.iter().zip(tables) {
            if !known.contains_key(key) && !missing.iter().any(|(k, _)| *k == key) {
                missing.push((key, g));
            }
        }
        if !missing.is_empty() {
            let grids = missing.iter().map(|(_, g)| *g).collect();
            let data = TemplateData {
                metrics: Some(grids),
                ..self.data(doc)
            };
            let paged = self.run_template(&data, None)?;
            let measured: Vec<TableMetrics> = paged
                .introspector()
                .elements()
                .query_first(&Selector::Elem(MetadataElem::ELEM, None))
                .and_then(|c| c.to_packed::<MetadataElem>().map(|m| m.value.clone()))
                .and_then(|v| serde_json::to_value(v).ok())
                .and_then(|v| serde_json::from_value(v).ok())
                .filter(|m: &Vec<TableMetrics>| m.len() == missing.len())
                .ok_or(RenderError::TableMetrics)?;
            for ((key, _), m) in missing.into_iter().zip(measured) {
                known.insert(key.clone(), Arc::new(m));
            }
        }
        Ok(keys.iter().map(|k| known[k].clone()).collect())
    }

    /// What the template reads to draw `doc`, before its tables are planned.
    fn data<'a>(&'a self, doc: &'a Document) -> TemplateData<'a> {
        TemplateData {
            layout: &self.layout,
            fonts: &self.roles,
            punct: Punct {
                opening: OPENING,
                closing: CLOSING,
            },
            attach: false,
            doc,
            metrics: None,
            plans: Vec::new(),
            heights: Vec::new(),
            verify: false,
        }
    }

    /// Runs the template on `data`.
    fn run_template(
        &self,
        data: &TemplateData,
        source_json: Option<&str>,
    ) -> Result<PagedDocument, RenderError> {
        let json =
            serde_json::to_vec(data).map_err(|e| RenderError::TemplateData(e.to_string()))?;
        {
            let mut files = self.world.files.lock().expect("files lock");
            files.insert(file_id("/data.json"), Bytes::new(json));
            match source_json {
                Some(s) => files.insert(file_id("/source.json"), Bytes::from_string(s.to_string())),
                None => files.remove(&file_id("/source.json")),
            };
        }
        let result = typst::compile::<PagedDocument>(&self.world);
        if std::env::var_os("NIANBAO_DEBUG_TYPST").is_some() {
            for w in &result.warnings {
                eprintln!("typst warning: {}", w.message);
            }
        }
        result
            .output
            .map_err(|e| RenderError::Typeset(RenderError::messages(&e)))
    }
}
